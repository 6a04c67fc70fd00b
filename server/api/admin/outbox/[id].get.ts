import { IdParamSchema } from '#shared/schemas/account'
import { getOutboxEmail } from '../../../domain/outbox'

export default defineEventHandler(async (event) => {
  const { id } = getValidParams(event, IdParamSchema)
  await requireAdmin(event)
  const email = await getOutboxEmail(useDb(), id)
  if (!email) throw createError({ statusCode: 404, statusMessage: 'Not Found', message: 'No such email' })
  return email
})
