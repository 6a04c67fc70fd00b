import { UserListQuerySchema } from '#shared/schemas/account'
import { listUsers } from '~~/server/domain/accounts'

export default defineEventHandler(async (event) => {
  await requireAdmin(event)
  const query = getValidQuery(event, UserListQuerySchema)
  return listUsers(useDb(), query)
})
