import { UnsubscribeQuerySchema } from '#shared/schemas/account'
import { unsubscribeState, verifyUnsubscribeToken } from '../domain/unsubscribe'

/** What an unsubscribe link will do, for the page that asks to confirm; no login needed. */
export default defineEventHandler(async (event) => {
  const { token } = getValidQuery(event, UnsubscribeQuerySchema)
  const userId = verifyUnsubscribeToken(useAuthSecret(), token)
  const state = userId === null ? undefined : await unsubscribeState(useDb(), userId)
  if (!state) throw badUnsubscribeToken()
  return { ...state, action: 'Stop reminder and monthly report emails' }
})
