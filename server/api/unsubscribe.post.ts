import { UnsubscribeQuerySchema } from '#shared/schemas/account'
import { unsubscribe, unsubscribeUserId } from '~~/server/domain/accounts'

/**
 * Stops reminders and reports for the token's user; no login needed, idempotent. The body
 * is not read: mail clients doing an RFC 8058 one-click unsubscribe send the form body
 * `List-Unsubscribe=One-Click`, the unsubscribe page sends nothing. The signed token is
 * what authorises it, so a cross-site post without it does nothing.
 */
export default defineEventHandler(async (event) => {
  const { token } = getValidQuery(event, UnsubscribeQuerySchema)
  return unsubscribe(useDb(), unsubscribeUserId(useAuthSecret(), token))
})
