import { createHash, timingSafeEqual } from 'node:crypto'
import type { H3Event } from 'h3'
import { findSessionUser, touchLastSeen, verifyToken } from '../domain/accounts'
import type { TokenClaims } from '../domain/accounts'
import type { UserRow } from '../db/schema'

declare module 'h3' {
  interface H3EventContext {
    user?: UserRow
    token?: TokenClaims
  }
}

function unauthorized(message = 'Log in to continue'): never {
  throw httpError(401, message)
}

/**
 * The user behind the request's `Authorization: Bearer` token, reloaded from the database
 * every time, so approval, role changes, deletion and logout take effect at once.
 * Cookies are never read: a state-changing call cannot be forged cross-site.
 */
export async function requireUser(event: H3Event): Promise<UserRow> {
  if (event.context.user) return event.context.user
  const header = getRequestHeader(event, 'authorization') ?? ''
  const match = /^Bearer\s+(\S+)$/i.exec(header)
  if (!match) unauthorized()
  const claims = await verifyToken(useAuthSecret(), match[1]!)
  if (!claims) unauthorized('Your session is invalid or has expired; log in again')
  const db = useDb()
  const user = await findSessionUser(db, claims)
  if (!user) unauthorized('Your session is invalid or has expired; log in again')
  void touchLastSeen(db, user)
  event.context.user = user
  event.context.token = claims
  return user
}

/** A logged-in user whom an admin has approved. */
export async function requireApprovedUser(event: H3Event): Promise<UserRow> {
  const user = await requireUser(event)
  if (user.approved_at === null)
    throw httpError(403, 'Your account is waiting for approval by an admin')
  return user
}

/** A logged-in admin. */
export async function requireAdmin(event: H3Event): Promise<UserRow> {
  const user = await requireUser(event)
  if (user.role !== 'admin')
    throw httpError(403, 'Only admins may do that')
  return user
}

/** A logged-in staff member or admin: who may check tickets in at the door. */
export async function requireStaff(event: H3Event): Promise<UserRow> {
  const user = await requireUser(event)
  if (user.role !== 'staff' && user.role !== 'admin')
    throw httpError(403, 'Only door staff and admins may check tickets in')
  return user
}

/** Whether the request's `Authorization: Bearer` token is `secret` (compared in constant time); never true for an empty secret. */
export function bearerIs(event: H3Event, secret: string): boolean {
  const sent = /^Bearer\s+(\S+)$/i.exec(getRequestHeader(event, 'authorization') ?? '')?.[1]
  const digest = (text: string) => createHash('sha256').update(text).digest()
  return Boolean(secret && sent && timingSafeEqual(digest(sent), digest(secret)))
}
