import { UnsubscribeQuerySchema } from '#shared/schemas/account'
import { unsubscribe, verifyUnsubscribeToken } from '../domain/unsubscribe'

/**
 * Stops reminders and reports for the token's user; no login needed, idempotent. The body
 * is not read: mail clients doing an RFC 8058 one-click unsubscribe send the form body
 * `List-Unsubscribe=One-Click`, the unsubscribe page sends nothing. The signed token is
 * what authorises it, so a cross-site post without it does nothing.
 */
export default defineEventHandler(async (event) => {
  const { token } = getValidQuery(event, UnsubscribeQuerySchema)
  const userId = verifyUnsubscribeToken(useAuthSecret(), token)
  const state = userId === null ? undefined : await unsubscribe(useDb(), userId)
  if (!state) throw badUnsubscribeToken()
  return state
})
