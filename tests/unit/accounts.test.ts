import { describe, expect, it } from 'vitest'
import { approveUser, authenticate, createUser, deleteUser, ensureAdmin, findUserById, listUsers } from '../../server/domain/accounts'
import type { Db } from '../../server/db'
import type { User } from '#shared/types/api'
import { refusal, rejection, unique, useTestDb } from '../helpers/fixtures'

const PASSWORD = 'correct-horse-battery'
const MINUTE = 60_000

function newUser(db: Db, opts: { username?: string, email?: string, password?: string, now?: Date } = {}) {
  const username = opts.username ?? unique()
  return createUser(db, {
    username,
    email: opts.email ?? `${username.toLowerCase()}@example.test`,
    password: opts.password ?? PASSWORD,
  }, opts.now)
}

let db: Db
/** A database of its own, for tests that count rows or need "no admin yet". */
const { fresh: freshDb } = useTestDb(made => (db = made))

describe('createUser', () => {
  it('creates a user who waits for approval and returns only public fields', async () => {
    const now = new Date('2026-03-04T05:06:07.089Z')
    const username = unique('Mixed')
    const user = await newUser(db, { username, now })
    expect(user).toEqual({
      id: expect.any(Number),
      username,
      email: `${username.toLowerCase()}@example.test`,
      role: 'user',
      approved: false,
      createdAt: now.toISOString(),
    })
    expect(JSON.stringify(user)).not.toContain(PASSWORD)
    expect(JSON.stringify(user)).not.toContain('argon2')
  })

  it('stores an argon2id hash with m=19456, t=2, p=1 and a fresh salt, never the password', async () => {
    const a = await newUser(db)
    const b = await newUser(db)
    const rowA = (await findUserById(db, a.id))!
    const rowB = (await findUserById(db, b.id))!
    expect(rowA.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/)
    expect(rowA.password_hash).not.toContain(PASSWORD)
    // Same password, different salt: the stored hashes differ.
    expect(rowB.password_hash).not.toBe(rowA.password_hash)
  })

  it('refuses a username that differs from a taken one only in case (409)', async () => {
    const username = unique('Case')
    await newUser(db, { username })
    const err = await rejection(newUser(db, { username: username.toUpperCase(), email: `${unique()}@example.test` }))
    expect(err.statusCode).toBe(409)
    expect(err.data).toMatchObject({ field: 'username' })
    const lower = await rejection(newUser(db, { username: username.toLowerCase(), email: `${unique()}@example.test` }))
    expect(lower.statusCode).toBe(409)
  })

  it('refuses an email that is already registered (409)', async () => {
    const first = await newUser(db)
    const err = await rejection(newUser(db, { email: first.email }))
    expect(err.statusCode).toBe(409)
    expect(err.data).toMatchObject({ field: 'email' })
  })

  it('lets exactly one of two simultaneous registrations of a username win; the other is a 409', async () => {
    const username = unique('race')
    const results = await Promise.allSettled([
      newUser(db, { username, email: `${username}-1@example.test` }),
      newUser(db, { username: username.toUpperCase(), email: `${username}-2@example.test` }),
    ])
    expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(1)
    const failed = results.filter(r => r.status === 'rejected')
    expect(failed).toHaveLength(1)
    expect(refusal((failed[0] as PromiseRejectedResult).reason)).toMatchObject({ statusCode: 409 })
    const rows = await db.selectFrom('users').select('id').where('email', 'like', `${username}-%`).execute()
    expect(rows).toHaveLength(1)
  })

  it('approves an admin at once', async () => {
    const username = unique('boss')
    const admin = await createUser(db, { username, email: `${username}@example.test`, password: PASSWORD, role: 'admin' })
    expect(admin).toMatchObject({ role: 'admin', approved: true })
  })

  it('keeps the email opt-in choice (on unless refused)', async () => {
    const username = unique('optout')
    const out = await createUser(db, { username, email: `${username}@example.test`, password: PASSWORD, emailOptIn: false })
    const dflt = await newUser(db)
    expect((await findUserById(db, out.id))!.email_opt_in).toBe(0)
    expect((await findUserById(db, dflt.id))!.email_opt_in).toBe(1)
  })
})

describe('authenticate', () => {
  it('returns the user for the right password, whatever the case of the username', async () => {
    const username = unique('Login')
    const user = await newUser(db, { username })
    await approveUser(db, user.id)
    const row = await authenticate(db, username.toUpperCase(), PASSWORD)
    expect(row.id).toBe(user.id)
  })

  it('answers the same 401 for an unknown user and for a wrong password', async () => {
    const user = await newUser(db)
    await approveUser(db, user.id)
    const unknown = await rejection(authenticate(db, unique('nobody'), PASSWORD))
    const wrong = await rejection(authenticate(db, user.username, 'wrong-password'))
    expect(unknown.statusCode).toBe(401)
    expect(wrong.statusCode).toBe(401)
    expect({ message: wrong.message, data: wrong.data }).toEqual({ message: unknown.message, data: unknown.data })
  })

  it('answers 403 "waiting for approval" only to whoever knows the password of a pending account', async () => {
    const user = await newUser(db)
    const pending = await rejection(authenticate(db, user.username, PASSWORD))
    expect(pending.statusCode).toBe(403)
    expect(pending.message).toMatch(/approv/i)
    expect(pending.data).toMatchObject({ reason: 'pending-approval' })
    // A wrong password on a pending account says nothing about the account.
    const wrong = await rejection(authenticate(db, user.username, 'wrong-password'))
    expect(wrong.statusCode).toBe(401)
  })
})

describe('listUsers', () => {
  it('lists users newest first, filtered by approval status, with the filtered total', async () => {
    const own = await freshDb()
    const base = Date.parse('2026-01-01T00:00:00.000Z')
    const users: User[] = []
    for (let i = 0; i < 5; i++) users.push(await newUser(own, { now: new Date(base + i * MINUTE) }))
    await approveUser(own, users[1]!.id)
    await approveUser(own, users[3]!.id)

    const all = await listUsers(own, { status: 'all', page: 1, pageSize: 20 })
    expect(all.items.map(u => u.id)).toEqual([4, 3, 2, 1, 0].map(i => users[i]!.id))
    expect(all).toMatchObject({ total: 5, page: 1, pageSize: 20 })

    const pending = await listUsers(own, { status: 'pending', page: 1, pageSize: 20 })
    expect(pending.items.map(u => u.id)).toEqual([4, 2, 0].map(i => users[i]!.id))
    expect(pending.items.every(u => !u.approved)).toBe(true)
    expect(pending.total).toBe(3)

    const approved = await listUsers(own, { status: 'approved', page: 1, pageSize: 20 })
    expect(approved.items.map(u => u.id)).toEqual([3, 1].map(i => users[i]!.id))
    expect(approved.total).toBe(2)
  })

  it('pages through the list without gaps or repeats, the total staying that of the whole list', async () => {
    const own = await freshDb()
    const base = Date.parse('2026-02-01T00:00:00.000Z')
    for (let i = 0; i < 5; i++) await newUser(own, { now: new Date(base + i * MINUTE) })
    const pages = await Promise.all([1, 2, 3].map(page => listUsers(own, { status: 'all', page, pageSize: 2 })))
    expect(pages.map(p => p.items.length)).toEqual([2, 2, 1])
    expect(pages.map(p => p.total)).toEqual([5, 5, 5])
    expect(pages.map(p => p.page)).toEqual([1, 2, 3])
    const ids = pages.flatMap(p => p.items.map(u => u.id))
    expect(new Set(ids).size).toBe(5)
    const beyond = await listUsers(own, { status: 'all', page: 4, pageSize: 2 })
    expect(beyond).toEqual({ items: [], total: 5, page: 4, pageSize: 2 })
  })

  it('orders users created in the same instant by id, newest first', async () => {
    const own = await freshDb()
    const now = new Date('2026-02-02T00:00:00.000Z')
    const a = await newUser(own, { now })
    const b = await newUser(own, { now })
    const list = await listUsers(own, { status: 'all', page: 1, pageSize: 20 })
    expect(list.items.map(u => u.id)).toEqual([b.id, a.id])
  })
})

describe('approveUser', () => {
  it('approves a pending user, who can then log in', async () => {
    const user = await newUser(db)
    const approved = await approveUser(db, user.id)
    expect(approved).toEqual({ ...user, approved: true })
    await expect(authenticate(db, user.username, PASSWORD)).resolves.toMatchObject({ id: user.id })
  })

  it('is idempotent: approving twice keeps the first approval time', async () => {
    const user = await newUser(db)
    await approveUser(db, user.id, new Date('2026-01-01T00:00:00.000Z'))
    const again = await approveUser(db, user.id, new Date('2026-06-01T00:00:00.000Z'))
    expect(again).toMatchObject({ id: user.id, approved: true })
    expect((await findUserById(db, user.id))!.approved_at).toBe('2026-01-01T00:00:00.000Z')
  })

  it('answers not-found for an unknown id', async () => {
    expect((await rejection(approveUser(db, 987_654_321))).statusCode).toBe(404)
  })
})

describe('deleteUser', () => {
  it('refuses to delete the acting admin themself', async () => {
    const user = await newUser(db)
    expect(await rejection(deleteUser(db, user.id, user.id))).toMatchObject({ statusCode: 409, message: 'You cannot delete your own account' })
    expect(await findUserById(db, user.id)).toBeDefined()
  })

  it('answers not-found for an unknown id', async () => {
    const admin = await newUser(db)
    expect((await rejection(deleteUser(db, 987_654_321, admin.id))).statusCode).toBe(404)
  })

  it('deletes the user: they can no longer log in, and their username and email are free again', async () => {
    const admin = await newUser(db)
    const user = await newUser(db)
    await approveUser(db, user.id)
    await deleteUser(db, user.id, admin.id)
    expect(await findUserById(db, user.id)).toBeUndefined()
    expect((await rejection(authenticate(db, user.username, PASSWORD))).statusCode).toBe(401)
    expect((await rejection(deleteUser(db, user.id, admin.id))).statusCode).toBe(404)
    const again = await newUser(db, { username: user.username, email: user.email })
    expect(again.id).not.toBe(user.id)
  })

  it('refuses a user with upcoming bookings (409, how many), or cancels them and keeps the history anonymised', async () => {
    const admin = await newUser(db)
    const user = await newUser(db)
    const now = new Date().toISOString()
    const venue = await db.insertInto('venues').values({ name: 'Hall', place: 'Pune', capacity: 10, seats_per_row: 5, timezone: 'Asia/Kolkata', created_at: now })
      .returning('id').executeTakeFirstOrThrow()
    const show = await db.insertInto('shows').values({ name: 'Film', description: '', rating: null, duration_minutes: 90, ticket_price: 500, poster_key: null, created_at: now })
      .returning('id').executeTakeFirstOrThrow()
    const screening = await db.insertInto('screenings').values({ show_id: show.id, venue_id: venue.id, starts_at: '2030-01-01T18:00:00.000Z', ends_at: '2030-01-01T19:30:00.000Z', price: 500, capacity: 10, seats_sold: 3 })
      .returning('id').executeTakeFirstOrThrow()
    const booking = (values: { quantity: number, status: 'confirmed' | 'cancelled', reference: string }) =>
      db.insertInto('bookings').values({ ...values, user_id: user.id, screening_id: screening.id, unit_price: 500, total: 500 * values.quantity, created_at: now, updated_at: now })
        .returning('id').executeTakeFirstOrThrow()
    const confirmed = await booking({ quantity: 2, status: 'confirmed', reference: unique('R').slice(0, 16) })
    await booking({ quantity: 1, status: 'cancelled', reference: unique('C').slice(0, 16) })
    await db.insertInto('booking_seats').values([
      { screening_id: screening.id, seat: 'A1', booking_id: confirmed.id },
      { screening_id: screening.id, seat: 'A2', booking_id: confirmed.id },
    ]).execute()
    // Someone else holds the third sold seat.

    expect(await rejection(deleteUser(db, user.id, admin.id))).toMatchObject({ statusCode: 409, data: { upcomingBookings: 1 } })
    expect((await findUserById(db, user.id))?.username).toBe(user.username)

    expect(await deleteUser(db, user.id, admin.id, { cancelBookings: true })).toEqual({ cancelled: 1, anonymised: true })
    const after = await db.selectFrom('screenings').select('seats_sold').where('id', '=', screening.id).executeTakeFirstOrThrow()
    expect(after.seats_sold).toBe(1)
    expect(await db.selectFrom('booking_seats').select('seat').where('screening_id', '=', screening.id).execute()).toHaveLength(0)
    // The bookings stay, cancelled, with their prices; the person is a nameless row.
    const kept = await db.selectFrom('bookings').select(['status', 'total']).where('user_id', '=', user.id).orderBy('id').execute()
    expect(kept).toEqual([{ status: 'cancelled', total: 1000 }, { status: 'cancelled', total: 500 }])
    const row = await db.selectFrom('users').selectAll().where('id', '=', user.id).executeTakeFirstOrThrow()
    expect(row).toMatchObject({ username: `deleted:${user.id}`, email: `deleted-${user.id}@deleted.invalid`, password_hash: '', role: 'user' })
    expect(row.deleted_at).not.toBeNull()
    expect((await listUsers(db, { status: 'all', page: 1, pageSize: 100 })).items.map(u => u.id)).not.toContain(user.id)
    expect((await rejection(authenticate(db, user.username, PASSWORD))).statusCode).toBe(401)
    expect((await rejection(deleteUser(db, user.id, admin.id))).statusCode).toBe(404)
  })
})

describe('ensureAdmin', () => {
  it('creates the first admin from the given settings, approved and able to log in', async () => {
    const own = await freshDb()
    const result = await ensureAdmin(own, { username: 'root', email: 'Root@Example.TEST', password: 'admin-password-1' })
    expect(result).toEqual({ created: true, generatedPassword: undefined })
    const row = await authenticate(own, 'root', 'admin-password-1')
    expect(row).toMatchObject({ role: 'admin', email: 'root@example.test' })
    expect(row.approved_at).not.toBeNull()
  })

  it('generates a strong password when none is given, and that password logs in', async () => {
    const own = await freshDb()
    const result = await ensureAdmin(own, { username: 'root', email: 'root@example.test' })
    expect(result.created).toBe(true)
    expect(result.generatedPassword).toMatch(/^[\w-]{20,}$/)
    await expect(authenticate(own, 'root', result.generatedPassword!)).resolves.toMatchObject({ role: 'admin' })
    // Two servers never print the same password.
    const other = await ensureAdmin(await freshDb(), { username: 'root', email: 'root@example.test' })
    expect(other.generatedPassword).not.toBe(result.generatedPassword)
  })

  it('does nothing once an admin exists: no second admin, no new password', async () => {
    const own = await freshDb()
    await ensureAdmin(own, { username: 'root', email: 'root@example.test', password: 'admin-password-1' })
    const second = await ensureAdmin(own, { username: 'other', email: 'other@example.test' })
    expect(second).toEqual({ created: false })
    const third = await ensureAdmin(own, { username: 'root', email: 'root@example.test', password: 'a-different-password' })
    expect(third).toEqual({ created: false })
    const admins = await own.selectFrom('users').select('username').where('role', '=', 'admin').execute()
    expect(admins).toEqual([{ username: 'root' }])
    await expect(authenticate(own, 'root', 'admin-password-1')).resolves.toMatchObject({ username: 'root' })
  })
})
