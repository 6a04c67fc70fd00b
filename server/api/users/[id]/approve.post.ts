import { IdParamSchema } from '#shared/schemas/account'
import { approveUser } from '../../../domain/accounts'

export default defineEventHandler(async (event) => {
  const { id } = getValidParams(event, IdParamSchema)
  await requireAdmin(event)
  const user = await approveUser(useDb(), id)
  if (!user) throw createError({ statusCode: 404, statusMessage: 'Not Found', message: 'No such user' })
  return { user }
})
