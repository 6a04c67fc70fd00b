import type { Db } from '../../db'
import type { UserRow } from '../../db/schema'
import { BadCredentials, Forbidden } from '../errors'
import { verifyPassword } from './passwords'
import { findUserByUsername } from './users'

// Logging in. The throttle in front of it is the HTTP layer's (server/api/auth/login.post.ts).

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
