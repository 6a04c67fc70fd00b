import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import type { Db } from '../../db'
import { isUniqueViolation } from '../../db/errors'
import { writeTransaction } from '../../db/write'
import type { UserRow } from '../../db/schema'
import type { Account, Page, SessionUser, User } from '#shared/types/api'
import type { AccountPatchInput, RegisterInput } from '#shared/schemas/account'
import { Conflict, Invalid, NotFound } from '../errors'
import { approvedEmail, enqueueEmail, registrationEmail } from '../mail'
import type { MailContext } from '../mail'
import { hashPassword, verifyPassword } from './passwords'

const LAST_SEEN_RESOLUTION_MS = 10 * 60 * 1000

/** The public shape of a user: never the hash. */
export function toUser(row: UserRow): User {
  const { id, username, email, role } = row
  return { id, username, email, role, approved: row.approved_at !== null, createdAt: row.created_at }
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
    throw new Conflict('That username is taken', { field: 'username' })
  if (taken.length) throw emailTaken()
}

/**
 * Creates an account waiting for approval (admins are approved at once). Usernames are
 * unique ignoring case and emails unique: a clash is a Conflict, even when two requests race.
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
    throw new Conflict('That username or email is taken')
  }
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
  let q = db.selectFrom('users').where('deleted_at', 'is', null)
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
 * Approves a user (approving twice keeps the first approval time); NotFound when unknown.
 * Given `mail`, the first approval puts "your account is approved" in the outbox in the
 * same transaction.
 */
export async function approveUser(db: Db, id: number, now = new Date(), mail?: MailContext): Promise<User> {
  await writeTransaction(db, async (trx) => {
    const approved = await trx.updateTable('users').set({ approved_at: now.toISOString() })
      .where('id', '=', id).where('approved_at', 'is', null).returningAll().executeTakeFirst()
    if (approved && mail) await enqueueEmail(trx, approvedEmail(approved, mail), now)
  })
  const row = await findUserById(db, id)
  if (!row) throw noSuchUser()
  return toUser(row)
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
    if (err instanceof Conflict) return { created: false }
    throw err
  }
  return { created: true, generatedPassword }
}

/**
 * Changes one's own email address, email switch or password. A new password needs the
 * current one (a wrong one is Invalid on `currentPassword`) and ends every session made
 * before it (the session version moves; the caller issues the current session a new
 * token); an address someone else has is a Conflict. Everything asked for changes
 * together, or nothing does.
 */
export async function updateAccount(db: Db, user: UserRow, input: AccountPatchInput): Promise<{ account: Account, sessionVersion: number }> {
  const set: { email?: string, email_opt_in?: number, password_hash?: string } = {}
  if (input.password !== undefined) {
    if (!(await verifyPassword(user.password_hash, input.currentPassword ?? '')))
      throw new Invalid('Your current password is not right', 'currentPassword')
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
      await db.updateTable('users')
        .set(eb => ({ ...set, ...(set.password_hash && { session_version: eb('session_version', '+', 1) }) }))
        .where('id', '=', user.id).execute()
    }
    catch (err) {
      if (isUniqueViolation(err)) throw emailTaken()
      throw err
    }
  }
  const row = (await findUserById(db, user.id))!
  return { account: toAccount(row), sessionVersion: row.session_version }
}

function emailTaken() {
  return new Conflict('That email address is already registered', { field: 'email' })
}

function noSuchUser() {
  return new NotFound('No such user')
}
