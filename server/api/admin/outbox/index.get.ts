import { OutboxListQuerySchema } from '#shared/schemas/outbox'
import { listOutbox } from '~~/server/domain/mail'

export default defineEventHandler(async (event) => {
  const query = getValidQuery(event, OutboxListQuerySchema)
  await requireAdmin(event)
  return listOutbox(useDb(), query)
})
