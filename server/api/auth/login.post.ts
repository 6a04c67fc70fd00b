import { LoginSchema } from '#shared/schemas/account'
import { authenticate, signToken } from '~~/server/domain/accounts'
import { Forbidden } from '~~/server/domain/errors'

/**
 * Logs in. Throttled before any password is checked (so a throttled attempt costs no
 * hash): per client, and per username and client, where five attempts in fifteen minutes
 * are all there is (atomic: however many arrive at once) until one succeeds.
 */
export default defineEventHandler(async (event) => {
  const limits = useRateLimits()
  const ip = clientIp(event)
  await limits.consume('loginClient', ip)
  const { username, password } = await readValidBody(event, LoginSchema)
  const key = `${username.toLowerCase()}|${ip}`
  await limits.consume('login', key)
  const user = await authenticate(useDb(), username, password).catch(async (err) => {
    // The right password of an account still waiting for approval is no failed login.
    if (err instanceof Forbidden) await limits.reset('login', key)
    throw err
  })
  await limits.reset('login', key)
  return { token: await signToken(useAuthSecret(), user.id, { sessionVersion: user.session_version }) }
})
