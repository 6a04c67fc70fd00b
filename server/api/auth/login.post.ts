import { LoginSchema } from '#shared/schemas/account'
import { authenticate, clearLoginFailures, loginKey, loginRetryAfter, recordLoginFailure } from '../../domain/accounts'
import { signToken } from '../../domain/tokens'

export default defineEventHandler(async (event) => {
  const { username, password } = await readValidBody(event, LoginSchema)
  const db = useDb()
  const key = loginKey(username, getRequestIP(event))
  const retryAfter = await loginRetryAfter(db, key)
  if (retryAfter > 0) {
    setResponseHeader(event, 'Retry-After', retryAfter)
    throw createError({ statusCode: 429, statusMessage: 'Too Many Requests', message: `Too many failed logins; try again in ${Math.ceil(retryAfter / 60)} minutes`, data: { retryAfter } })
  }
  let user
  try {
    user = await authenticate(db, username, password)
  }
  catch (err) {
    if ((err as { statusCode?: number }).statusCode === 401) await recordLoginFailure(db, key)
    throw err
  }
  await clearLoginFailures(db, key)
  return { token: await signToken(useAuthSecret(), user.id) }
})
