import { randomBytes } from 'node:crypto'
import { createError } from 'h3'
import { sql } from 'kysely'
import type { Db } from '../db'
import { isPostgres } from '../db'
import { isUniqueViolation } from '../db/errors'
import { writeTransaction } from '../db/write'
import type { UserRow } from '../db/schema'
import type { Account, Page, SessionUser, User } from '#shared/types/api'
import type { AccountPatchInput, RegisterInput } from '#shared/schemas/account'
import { approvedEmail, registrationEmail } from './emails'
import type { MailContext } from './emails'
import { enqueueEmail } from './mail'
import { hashPassword, verifyPassword } from './passwords'

export const LOGIN_MAX_FAILURES = 5
export const LOGIN_WINDOW_MS = 15 * 60 * 1000
const LAST_SEEN_RESOLUTION_MS = 10 * 60 * 1000

/** The public shape of a user: never the hash. */
export function toUser(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    role: row.role,
    approved: row.approved_at !== null,
    createdAt: row.created_at,
  }
}

/** One's own account: the public user and the email switch. */
export function toAccount(row: UserRow): Account {
  return { ...toUser(row), emailOptIn: Number(row.email_opt_in) === 1 }
}

/** What GET /api/auth/session answers. */
export function toSessionUser(row: UserRow): SessionUser {
  const { id, username, email, role, approved } = toUser(row)
  return { id, username, email, role, approved }
}

/** Finds a user by username, ignoring case. */
export function findUserByUsername(db: Db, username: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll()
    .where(sql<string>`lower(username)`, '=', username.toLowerCase())
    .executeTakeFirst()
}

/** Finds a user by id. */
export function findUserById(db: Db, id: number): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()
}

async function assertAvailable(db: Db, username: string, email: string): Promise<void> {
  const taken = await db.selectFrom('users').select(['username', 'email'])
    .where(eb => eb.or([eb(sql<string>`lower(username)`, '=', username.toLowerCase()), eb('email', '=', email)]))
    .execute()
  if (taken.some(t => t.username.toLowerCase() === username.toLowerCase()))
    throw createError({ statusCode: 409, statusMessage: 'Conflict', message: 'That username is taken', data: { field: 'username' } })
  if (taken.length)
    throw createError({ statusCode: 409, statusMessage: 'Conflict', message: 'That email address is already registered', data: { field: 'email' } })
}

/**
 * Creates an account waiting for approval (admins are approved at once). Usernames are
 * unique ignoring case and emails unique: a clash is a 409, even when two requests race.
 * Given `mail`, a new user's "registration received" email goes into the outbox in the
 * same transaction as the account.
 */
export async function createUser(db: Db, input: RegisterInput & { role?: 'user' | 'admin' }, now = new Date(), mail?: MailContext): Promise<User> {
  await assertAvailable(db, input.username, input.email)
  const passwordHash = await hashPassword(input.password)
  const role = input.role ?? 'user'
  try {
    const row = await writeTransaction(db, async (trx) => {
      const row = await trx.insertInto('users').values({
        username: input.username,
        email: input.email,
        password_hash: passwordHash,
        role,
        approved_at: role === 'admin' ? now.toISOString() : null,
        email_opt_in: input.emailOptIn === false ? 0 : 1,
        created_at: now.toISOString(),
      }).returningAll().executeTakeFirstOrThrow()
      if (mail && role === 'user') await enqueueEmail(trx, registrationEmail(row, mail), now)
      return row
    })
    return toUser(row)
  }
  catch (err) {
    if (!isUniqueViolation(err)) throw err
    await assertAvailable(db, input.username, input.email)
    throw createError({ statusCode: 409, statusMessage: 'Conflict', message: 'That username or email is taken' })
  }
}

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
 * Checks a username and password. Unknown users and wrong passwords are the same 401;
 * an account still waiting for approval is a 403, told only to whoever knows its password.
 */
export async function authenticate(db: Db, username: string, password: string): Promise<UserRow> {
  const user = await findUserByUsername(db, username)
  const ok = await verifyPassword(user?.password_hash, password)
  if (!user || !ok)
    throw createError({ statusCode: 401, statusMessage: 'Unauthorized', message: 'Wrong username or password' })
  if (user.approved_at === null)
    throw createError({ statusCode: 403, statusMessage: 'Forbidden', message: 'Your account is waiting for approval by an admin', data: { reason: 'pending-approval' } })
  return user
}

const lastSeenWrites = new Map<number, number>()
const LAST_SEEN_MEMORY = 100_000

/**
 * Notes that the user was active, for the inactivity nudge: at most one write per user
 * every ten minutes. The user row is loaded by every authenticated request anyway, and the
 * last write is remembered in process memory, so most requests skip this without a query;
 * the write itself joins the next group commit and the request does not wait for it.
 * Resolves when written, or at once when skipped; never rejects.
 */
export function touchLastSeen(db: Db, user: Pick<UserRow, 'id' | 'last_seen_at'>, now = new Date()): Promise<void> {
  const t = now.getTime()
  const stored = user.last_seen_at ? new Date(user.last_seen_at).getTime() : 0
  const last = Math.max(stored, lastSeenWrites.get(user.id) ?? 0)
  if (t - last < LAST_SEEN_RESOLUTION_MS) return Promise.resolve()
  if (lastSeenWrites.size >= LAST_SEEN_MEMORY) lastSeenWrites.clear()
  lastSeenWrites.set(user.id, t)
  return writeTransaction(db, trx => trx.updateTable('users').set({ last_seen_at: now.toISOString() }).where('id', '=', user.id).execute())
    .then(() => {}, (err) => {
      lastSeenWrites.delete(user.id)
      console.warn(`[accounts] could not note user ${user.id} as seen: ${(err as Error).message}`)
    })
}

/** Users newest first, filtered by approval status. */
export async function listUsers(db: Db, opts: { status: 'pending' | 'approved' | 'all', page: number, pageSize: number }): Promise<Page<User>> {
  let q = db.selectFrom('users')
  if (opts.status === 'pending') q = q.where('approved_at', 'is', null)
  if (opts.status === 'approved') q = q.where('approved_at', 'is not', null)
  const [rows, count] = await Promise.all([
    q.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc')
      .limit(opts.pageSize).offset((opts.page - 1) * opts.pageSize).execute(),
    q.select(eb => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ])
  return { items: rows.map(toUser), total: Number(count.n), page: opts.page, pageSize: opts.pageSize }
}

/**
 * Approves a user (approving twice keeps the first approval time); undefined when unknown.
 * Given `mail`, the first approval puts "your account is approved" in the outbox in the
 * same transaction.
 */
export async function approveUser(db: Db, id: number, now = new Date(), mail?: MailContext): Promise<User | undefined> {
  await writeTransaction(db, async (trx) => {
    const approved = await trx.updateTable('users').set({ approved_at: now.toISOString() })
      .where('id', '=', id).where('approved_at', 'is', null).returningAll().executeTakeFirst()
    if (approved && mail) await enqueueEmail(trx, approvedEmail(approved, mail), now)
  })
  const row = await findUserById(db, id)
  return row && toUser(row)
}

/**
 * Deletes a user (rejecting a registration, or removing an account). Their confirmed
 * bookings are released first, in the same transaction, so seat counters stay true.
 */
export async function deleteUser(db: Db, id: number, actorId: number): Promise<'deleted' | 'not-found' | 'self'> {
  if (id === actorId) return 'self'
  return db.transaction().execute(async (trx) => {
    const user = await trx.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst()
    if (!user) return 'not-found' as const
    // Lock the screenings first, in id order, as every booking change does (screening, then
    // booking): the bookings read after it cannot be changed or cancelled under us.
    let screenings = trx.selectFrom('screenings').select('id').where('id', 'in',
      trx.selectFrom('bookings').select('screening_id').where('user_id', '=', id).where('status', '=', 'confirmed')).orderBy('id')
    if (isPostgres(trx)) screenings = screenings.forUpdate()
    await screenings.execute()
    const held = await trx.selectFrom('bookings').select(['screening_id', 'quantity'])
      .where('user_id', '=', id).where('status', '=', 'confirmed').execute()
    for (const b of held) {
      await trx.updateTable('screenings').set(eb => ({ seats_sold: eb('seats_sold', '-', b.quantity) }))
        .where('id', '=', b.screening_id).execute()
    }
    await trx.deleteFrom('bookings').where('user_id', '=', id).execute()
    await trx.deleteFrom('users').where('id', '=', id).execute()
    return 'deleted' as const
  })
}

/**
 * Creates the first admin when there is none. Returns the generated password when none was
 * configured (to be printed once), null when an admin already existed.
 */
export async function ensureAdmin(db: Db, opts: { username: string, email: string, password?: string }): Promise<{ created: boolean, generatedPassword?: string }> {
  const existing = await db.selectFrom('users').select('id').where('role', '=', 'admin').limit(1).executeTakeFirst()
  if (existing) return { created: false }
  const generatedPassword = opts.password ? undefined : randomBytes(18).toString('base64url')
  try {
    await createUser(db, { username: opts.username, email: opts.email.toLowerCase(), password: opts.password || generatedPassword!, role: 'admin' })
  }
  catch (err) {
    // Another instance created it at the same moment.
    if ((err as { statusCode?: number }).statusCode === 409) return { created: false }
    throw err
  }
  return { created: true, generatedPassword }
}

/**
 * Changes one's own email address, email switch or password. A new password needs the
 * current one (a wrong one is a 400 on `currentPassword`); an address someone else has is
 * a 409. Everything asked for changes together, or nothing does.
 */
export async function updateAccount(db: Db, user: UserRow, input: AccountPatchInput): Promise<Account> {
  const set: { email?: string, email_opt_in?: number, password_hash?: string } = {}
  if (input.password !== undefined) {
    if (!(await verifyPassword(user.password_hash, input.currentPassword ?? '')))
      throw createError({ statusCode: 400, statusMessage: 'Bad Request', message: 'Your current password is not right', data: { issues: [{ code: 'custom', path: ['currentPassword'], message: 'Your current password is not right' }] } })
    set.password_hash = await hashPassword(input.password)
  }
  if (input.emailOptIn !== undefined) set.email_opt_in = input.emailOptIn ? 1 : 0
  if (input.email !== undefined && input.email !== user.email) {
    const taken = await db.selectFrom('users').select('id').where('email', '=', input.email).where('id', '!=', user.id).executeTakeFirst()
    if (taken) throw emailTaken()
    set.email = input.email
  }
  if (Object.keys(set).length) {
    try {
      await db.updateTable('users').set(set).where('id', '=', user.id).execute()
    }
    catch (err) {
      if (isUniqueViolation(err)) throw emailTaken()
      throw err
    }
  }
  return toAccount((await findUserById(db, user.id))!)
}

function emailTaken() {
  return createError({ statusCode: 409, statusMessage: 'Conflict', message: 'That email address is already registered', data: { field: 'email' } })
}
