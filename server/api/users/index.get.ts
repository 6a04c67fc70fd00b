import { UserListQuerySchema } from '#shared/schemas/account'
import { listUsers } from '~~/server/domain/accounts'

export default defineEventHandler(async (event) => {
  const query = getValidQuery(event, UserListQuerySchema)
  await requireAdmin(event)
  return listUsers(useDb(), query)
})
