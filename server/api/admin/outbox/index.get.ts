import { OutboxListQuerySchema } from '#shared/schemas/outbox'
import { listOutbox } from '../../../domain/outbox'

export default defineEventHandler(async (event) => {
  const query = getValidQuery(event, OutboxListQuerySchema)
  await requireAdmin(event)
  return listOutbox(useDb(), query)
})
