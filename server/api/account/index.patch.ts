import { AccountPatchSchema } from '#shared/schemas/account'
import { updateAccount } from '~~/server/domain/accounts'

/** Changes one's own email address, email switch or password (with the current one). */
export default defineEventHandler(async (event) => {
  const input = await readValidBody(event, AccountPatchSchema)
  const user = await requireUser(event)
  return { user: await updateAccount(useDb(), user, input) }
})
