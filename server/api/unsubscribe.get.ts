import { UnsubscribeQuerySchema } from '#shared/schemas/account'
import { unsubscribeState, unsubscribeUserId } from '~~/server/domain/accounts'

/** What an unsubscribe link will do, for the page that asks to confirm; no login needed. */
export default defineEventHandler(async (event) => {
  const { token } = getValidQuery(event, UnsubscribeQuerySchema)
  const state = await unsubscribeState(useDb(), unsubscribeUserId(useAuthSecret(), token))
  return { ...state, action: 'Stop reminder and monthly report emails' }
})
