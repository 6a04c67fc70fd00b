import { OutboxListQuerySchema } from '#shared/schemas/outbox'
import { listOutbox } from '~~/server/domain/mail'

export default defineEventHandler(async (event) => {
  await requireAdmin(event)
  const query = getValidQuery(event, OutboxListQuerySchema)
  return listOutbox(useDb(), query)
})
