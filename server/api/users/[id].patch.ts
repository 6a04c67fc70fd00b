import { IdParamSchema } from '#shared/schemas/common'
import { UserRoleSchema } from '#shared/schemas/account'
import { setUserRole } from '~~/server/domain/accounts'

// Gives a user a role (`staff` lets them check tickets in at the door); never one's own.
export default defineEventHandler(async (event) => {
  const admin = await requireAdmin(event)
  const { id } = getValidParams(event, IdParamSchema)
  const { role } = await readValidBody(event, UserRoleSchema)
  return { user: await setUserRole(useDb(), id, role, admin.id) }
})
