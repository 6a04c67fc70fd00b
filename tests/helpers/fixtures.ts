import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import { openDb, migrateToLatest } from '../../server/db'
import type { Db, Dialect } from '../../server/db'
import type { BookingStatus } from '../../server/db/schema'
import { approveUser, createUser } from '../../server/domain/accounts'
import { createScreening, createShow, createVenue } from '../../server/domain/catalog'
import { toHttpError } from '../../server/utils/errors'
import type { ShowCreateInput, VenueCreateInput } from '#shared/schemas/catalog'
import type { Screening, Show, User, Venue } from '#shared/types/api'
import { TEST_DATABASE_URL, createPgDatabase } from './pg'

// The building blocks of the unit and API tests: a database per test file, names no other
// test uses, the error a call is refused with, and users, venues, shows, screenings and
// sold seats made in one line each.

export const PASSWORD = 'correct-horse-battery'

let seq = 0
/** A name no other test (or earlier run) uses: the prefix, then lower-case letters and digits. */
export function unique(prefix = 'u'): string {
  return `${prefix}${Date.now().toString(36)}${(seq++).toString(36)}`
}

/**
 * A migrated, empty database: in-memory SQLite by default, a fresh PostgreSQL database
 * when TEST_DATABASE_URL is set.
 */
export async function createTestDb(): Promise<{ db: Db, dialect: Dialect, destroy: () => Promise<void> }> {
  if (TEST_DATABASE_URL) {
    const pgDb = await createPgDatabase()
    const { db, dialect } = openDb(pgDb.url)
    await migrateToLatest(db)
    const destroy = async () => {
      await db.destroy()
      await pgDb.drop()
    }
    return { db, dialect, destroy }
  }
  const { db, dialect } = openDb(':memory:')
  await migrateToLatest(db)
  return { db, dialect, destroy: () => db.destroy() }
}

/**
 * The test file's database, made before its tests and dropped after them; `onReady` gets
 * it: `let db: Db; useTestDb(made => (db = made))`. `fresh()` makes another one (for a
 * test that counts rows or needs "no admin yet"), dropped with the first.
 */
export function useTestDb(onReady: (db: Db, dialect: Dialect) => void): { fresh: () => Promise<Db> } {
  const made: Array<() => Promise<void>> = []
  beforeAll(async () => {
    const { db, dialect, destroy } = await createTestDb()
    made.push(destroy)
    onReady(db, dialect)
  })
  afterAll(() => Promise.all(made.map(destroy => destroy())))
  return {
    async fresh() {
      const other = await createTestDb()
      made.push(other.destroy)
      return other.db
    },
  }
}

/** How a refusal reaches a client: status, message and data, as the API would answer it. */
export interface Refusal {
  statusCode: number
  statusMessage?: string
  message: string
  data?: Record<string, unknown>
}

/**
 * An error as the HTTP error it answers (domain errors mapped by server/utils/errors.ts, as
 * the server maps them). An error the server would answer 500 is rethrown as it is.
 */
export function refusal(err: unknown): Refusal {
  const http = toHttpError(err)
  if (http.unhandled) throw err
  return { statusCode: http.statusCode, statusMessage: http.statusMessage, message: http.message, data: http.data as Record<string, unknown> | undefined }
}

/** The refusal a promise rejects with (see refusal); fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Refusal> {
  try {
    await promise
  }
  catch (err) {
    return refusal(err)
  }
  throw new Error('expected the promise to reject, but it resolved')
}

/** A member account; approved unless `approved: false`. */
export async function makeUser(db: Db, opts: { username?: string, email?: string, password?: string, role?: 'user' | 'admin', approved?: boolean, optIn?: boolean, now?: Date } = {}): Promise<User> {
  const username = opts.username ?? unique()
  const user = await createUser(db, {
    username,
    email: opts.email ?? `${username.toLowerCase()}@example.test`,
    password: opts.password ?? PASSWORD,
    emailOptIn: opts.optIn,
    role: opts.role,
  }, opts.now)
  if (opts.approved === false || user.approved) return user
  return approveUser(db, user.id, opts.now)
}

/** A venue in Testville: 100 seats in rows of 10, in Asia/Kolkata, unless told otherwise. */
export function makeVenue(db: Db, over: Partial<VenueCreateInput> = {}, now = new Date()): Promise<Venue> {
  return createVenue(db, { name: unique('Hall '), place: 'Testville', capacity: 100, seatsPerRow: 10, ...over }, 'Asia/Kolkata', now)
}

/** A show of 100 minutes at 250.00, without tags, unless told otherwise. */
export function makeShow(db: Db, over: Partial<ShowCreateInput> = {}, now = new Date()): Promise<Show> {
  return createShow(db, { name: unique('Show '), tags: [], ticketPrice: 25_000, durationMinutes: 100, ...over }, now)
}

/** A screening starting at `startsAt`, of a new show at a new venue unless they are given. */
export async function makeScreening(db: Db, opts: { startsAt: string, now?: Date, price?: number, venue?: Venue | Partial<VenueCreateInput>, show?: Show | Partial<ShowCreateInput> }): Promise<Screening & { venueRow: Venue, showRow: Show }> {
  const now = opts.now ?? new Date()
  const venue = opts.venue && 'id' in opts.venue ? opts.venue : await makeVenue(db, opts.venue, now)
  const show = opts.show && 'id' in opts.show ? opts.show : await makeShow(db, opts.show, now)
  const screening = await createScreening(db, { showId: show.id, venueId: venue.id, startsAt: opts.startsAt, price: opts.price }, now)
  return { ...screening, venueRow: venue, showRow: show }
}

/** A user row to own seats sold by sellSeats (made once per database). */
async function seatOwner(db: Db): Promise<number> {
  const username = `booker_${randomBytes(6).toString('hex')}`
  const row = await db.insertInto('users').values({
    username,
    email: `${username}@example.test`,
    password_hash: 'not-a-real-hash',
    role: 'user',
    approved_at: new Date().toISOString(),
    created_at: new Date().toISOString(),
  }).returning('id').executeTakeFirstOrThrow()
  return row.id
}

const owners = new WeakMap<Db, Promise<number>>()

/**
 * Sells the given seats of a screening straight into the tables, as a booking does: the
 * booking, its booking_seats and the screening's seats_sold in one transaction. A
 * confirmed booking holds its seats; a cancelled one holds nothing, as after a cancellation.
 */
export async function sellSeats(db: Db, screeningId: number, seats: string[], status: BookingStatus = 'confirmed'): Promise<{ id: number, reference: string, userId: number }> {
  if (!owners.has(db)) owners.set(db, seatOwner(db))
  const userId = await owners.get(db)!
  const reference = randomBytes(5).toString('hex').toUpperCase()
  const now = new Date().toISOString()
  return db.transaction().execute(async (trx) => {
    const booking = await trx.insertInto('bookings').values({
      reference,
      user_id: userId,
      screening_id: screeningId,
      quantity: seats.length,
      unit_price: 10_000,
      total: 10_000 * seats.length,
      status,
      created_at: now,
      updated_at: now,
    }).returning('id').executeTakeFirstOrThrow()
    if (status === 'confirmed') {
      await trx.insertInto('booking_seats').values(seats.map(seat => ({ screening_id: screeningId, seat, booking_id: booking.id }))).execute()
      await trx.updateTable('screenings').set(eb => ({ seats_sold: eb('seats_sold', '+', seats.length) })).where('id', '=', screeningId).execute()
    }
    return { id: booking.id, reference, userId }
  })
}

/** Opens the database a test server runs on (its SQLite file, or its PostgreSQL database). */
export function openServerDb(server: { dataDir: string, databaseUrl: string }): Db {
  return openDb(server.databaseUrl || join(server.dataDir, 'ticketshow.sqlite')).db
}
