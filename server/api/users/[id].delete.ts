import { IdParamSchema } from '#shared/schemas/common'
import { deleteUser } from '~~/server/domain/accounts'

export default defineEventHandler(async (event) => {
  const admin = await requireAdmin(event)
  const { id } = getValidParams(event, IdParamSchema)
  await deleteUser(useDb(), id, admin.id)
  setResponseStatus(event, 204, 'No Content')
  return null
})
