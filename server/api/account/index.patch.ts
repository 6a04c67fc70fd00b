import { AccountPatchSchema } from '#shared/schemas/account'
import { signToken, updateAccount } from '~~/server/domain/accounts'

/**
 * Changes one's own email address, email switch or password (with the current one). A new
 * password ends every other session at once, on every instance: the reply then carries a
 * fresh `token` for this one, which the client uses from now on.
 */
export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const input = await readValidBody(event, AccountPatchSchema)
  const { account, sessionVersion } = await updateAccount(useDb(), user, input)
  if (input.password === undefined) return { user: account }
  return { user: account, token: await signToken(useAuthSecret(), user.id, { sessionVersion }) }
})
