import { AccountPatchSchema } from '#shared/schemas/account'
import { updateAccount } from '~~/server/domain/accounts'

/** Changes one's own email address, email switch or password (with the current one). */
export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const input = await readValidBody(event, AccountPatchSchema)
  return { user: await updateAccount(useDb(), user, input) }
})
