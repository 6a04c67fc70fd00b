import { IdParamSchema } from '#shared/schemas/account'
import { deleteUser } from '../../domain/accounts'

export default defineEventHandler(async (event) => {
  const { id } = getValidParams(event, IdParamSchema)
  const admin = await requireAdmin(event)
  const outcome = await deleteUser(useDb(), id, admin.id)
  if (outcome === 'self') throw createError({ statusCode: 409, statusMessage: 'Conflict', message: 'You cannot delete your own account' })
  if (outcome === 'not-found') throw createError({ statusCode: 404, statusMessage: 'Not Found', message: 'No such user' })
  setResponseStatus(event, 204, 'No Content')
  return null
})
