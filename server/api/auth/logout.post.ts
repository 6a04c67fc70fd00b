import { revokeToken } from '~~/server/domain/accounts'

export default defineEventHandler(async (event) => {
  await requireUser(event)
  await revokeToken(useDb(), event.context.token!)
  return { ok: true }
})
