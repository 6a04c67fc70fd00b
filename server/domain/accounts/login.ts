import type { Db } from '../../db'
import type { UserRow } from '../../db/schema'
import { BadCredentials, Forbidden, TooManyAttempts } from '../errors'
import { verifyPassword } from './passwords'
import { findUserByUsername } from './users'

// Logging in, and the throttle that stands in front of it: five failures in fifteen
// minutes for one username from one address, and that pair waits (TooManyAttempts).

export const LOGIN_MAX_FAILURES = 5
export const LOGIN_WINDOW_MS = 15 * 60 * 1000

/** Seconds until the username+IP key may try again; 0 when it is not throttled. */
export async function loginRetryAfter(db: Db, key: string, now = new Date()): Promise<number> {
  const since = new Date(now.getTime() - LOGIN_WINDOW_MS).toISOString()
  const failures = await db.selectFrom('login_failures').select('created_at')
    .where('key', '=', key).where('created_at', '>', since)
    .orderBy('created_at', 'desc').limit(LOGIN_MAX_FAILURES).execute()
  if (failures.length < LOGIN_MAX_FAILURES) return 0
  const oldest = new Date(failures[failures.length - 1]!.created_at).getTime()
  return Math.max(1, Math.ceil((oldest + LOGIN_WINDOW_MS - now.getTime()) / 1000))
}

/** The throttling key of a login attempt: the username (any case) and the client address. */
export function loginKey(username: string, ip: string | undefined): string {
  return `${username.toLowerCase()}|${ip ?? 'unknown'}`
}

/** Records one failed login for the key, and forgets failures older than the window. */
export async function recordLoginFailure(db: Db, key: string, now = new Date()): Promise<void> {
  await db.insertInto('login_failures').values({ key, created_at: now.toISOString() }).execute()
  await db.deleteFrom('login_failures').where('created_at', '<', new Date(now.getTime() - LOGIN_WINDOW_MS).toISOString()).execute()
}

/** Clears a key's failures after a successful login. */
export async function clearLoginFailures(db: Db, key: string): Promise<void> {
  await db.deleteFrom('login_failures').where('key', '=', key).execute()
}

/**
 * Checks a username and password. Unknown users and wrong passwords are the same
 * BadCredentials; an account still waiting for approval is Forbidden, told only to whoever
 * knows its password.
 */
export async function authenticate(db: Db, username: string, password: string): Promise<UserRow> {
  const user = await findUserByUsername(db, username)
  const ok = await verifyPassword(user?.password_hash, password)
  if (!user || !ok)
    throw new BadCredentials('Wrong username or password')
  if (user.approved_at === null)
    throw new Forbidden('Your account is waiting for approval by an admin', { reason: 'pending-approval' })
  return user
}

/**
 * A login attempt from `ip`: refused while its username+address is throttled (even with
 * the right password), otherwise checked; a wrong password counts towards the throttle
 * and a right one clears it.
 */
export async function logIn(db: Db, username: string, password: string, ip: string | undefined, now = new Date()): Promise<UserRow> {
  const key = loginKey(username, ip)
  const retryAfter = await loginRetryAfter(db, key, now)
  if (retryAfter > 0) throw new TooManyAttempts(`Too many failed logins; try again in ${Math.ceil(retryAfter / 60)} minutes`, retryAfter)
  let user: UserRow
  try {
    user = await authenticate(db, username, password)
  }
  catch (err) {
    if (err instanceof BadCredentials) await recordLoginFailure(db, key, now)
    throw err
  }
  await clearLoginFailures(db, key)
  return user
}
