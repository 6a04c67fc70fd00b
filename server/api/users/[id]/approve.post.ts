import { IdParamSchema } from '#shared/schemas/account'
import { approveUser } from '../../../domain/accounts'

export default defineEventHandler(async (event) => {
  const { id } = getValidParams(event, IdParamSchema)
  await requireAdmin(event)
  const user = await approveUser(useDb(), id, new Date(), useMailContext())
  if (!user) throw createError({ statusCode: 404, statusMessage: 'Not Found', message: 'No such user' })
  requestMailFlush()
  return { user }
})
