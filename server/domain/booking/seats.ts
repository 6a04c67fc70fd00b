import { sql } from 'kysely'
import type { Db } from '../../db'
import { isPostgres } from '../../db'
import { isUniqueViolation } from '../../db/errors'
import { prepared } from '../../db/prepared'
import type { Hall } from '#shared/layout'
import { Conflict, Invalid, NotFound } from '../errors'

// Claiming seats inside a booking transaction: the screening's lock, the conditional
// counter update, the taken seats, the seat rows, and the Conflict a failed claim becomes
// once its transaction has rolled back. The hot queries are prepared (db/prepared.ts).

const screeningCount = prepared((db: Db, id: number) => db.selectFrom('screenings').select(['capacity', 'seats_sold']).where('id', '=', id))

async function seatsLeft(trx: Db, screeningId: number): Promise<number> {
  const s = (await screeningCount(trx, screeningId)).rows[0]
  return s ? s.capacity - s.seats_sold : 0
}

const seatList = (db: Db) => isPostgres(db) ? sql<string | null>`string_agg(seat, ',')` : sql<string | null>`group_concat(seat, ',')`
const allTakenSeats = prepared((db: Db, screeningId: number) => db.selectFrom('booking_seats').select(seatList(db).as('seats')).where('screening_id', '=', screeningId))
const otherTakenSeats = prepared((db: Db, screeningId: number, bookingId: number) => db.selectFrom('booking_seats').select(seatList(db).as('seats'))
  .where('screening_id', '=', screeningId).where('booking_id', '!=', bookingId))

/**
 * The screening's taken seats. Read as one string the database joins (a big screening
 * has thousands of seat rows, and a row object each costs far more than splitting).
 */
export async function takenSeats(trx: Db, screeningId: number, exceptBookingId?: number): Promise<Set<string>> {
  const res = exceptBookingId ? await otherTakenSeats(trx, screeningId, exceptBookingId) : await allTakenSeats(trx, screeningId)
  const seats = res.rows[0]?.seats
  return new Set(seats ? seats.split(',') : [])
}

const claim = prepared((db: Db, screeningId: number, delta: number) => db.updateTable('screenings')
  .set(eb => ({ seats_sold: eb('seats_sold', '+', delta) }))
  .where('id', '=', screeningId)
  .where('cancelled_at', 'is', null)
  .where(eb => eb(eb('seats_sold', '+', delta), '<=', eb.ref('capacity'))))

/**
 * Moves the screening's sold counter by `delta` only if it stays within capacity. The
 * conditional update also takes the screening row's lock, so concurrent bookings of one
 * screening run one after another from here to commit. False when the seats are not there.
 */
export async function claimCount(trx: Db, screeningId: number, delta: number): Promise<boolean> {
  const res = await claim(trx, screeningId, delta)
  return Number(res.numAffectedRows) === 1
}

/** Invalid (on `seats`) when the hall has no such seat. */
export function assertSeatsExist(seats: string[], hall: Hall) {
  const missing = seats.filter(s => !hall.seats.has(s))
  if (missing.length) throw new Invalid(`No such seat at this venue: ${missing.join(', ')}`, 'seats')
}

/**
 * The seats cannot be had. Thrown inside a booking transaction and turned into a Conflict
 * once it has rolled back (asConflict), so `seatsLeft` counts what is really left, not the
 * rolled-back claim.
 */
class SeatsUnavailable extends Error {
  constructor(readonly screeningId: number, readonly describe: (seatsLeft: number) => string, readonly extra: Record<string, unknown> = {}) {
    super('seats unavailable')
  }
}

export function soldOut(screeningId: number, describe: (seatsLeft: number) => string, extra?: Record<string, unknown>): never {
  throw new SeatsUnavailable(screeningId, describe, extra)
}

/** After the rollback: a Conflict with the seats left now; a UNIQUE(screening_id, seat) violation too. */
export async function asConflict(db: Db, err: unknown, screeningId: number | undefined): Promise<never> {
  if (err instanceof SeatsUnavailable) {
    const left = await seatsLeft(db, err.screeningId)
    throw new Conflict(err.describe(left), { seatsLeft: left, ...err.extra })
  }
  // The UNIQUE(screening_id, seat) constraint is the last line of defence.
  if (isUniqueViolation(err) && screeningId !== undefined)
    throw new Conflict('Someone else just booked one of those seats', { seatsLeft: await seatsLeft(db, screeningId) })
  throw err
}

/**
 * Takes the screening row's lock for the rest of the transaction. Every change to a
 * screening's seats and to its bookings takes this lock first (one lock order, so no
 * deadlocks) and reads what it changes only after it, so nothing works on a stale read.
 * SQLite runs one write transaction at a time, so there it is not needed.
 */
export async function lockScreening(trx: Db, screeningId: number): Promise<void> {
  if (isPostgres(trx)) await screeningLock(trx, screeningId)
}

/**
 * After a change to the seats held at a screening: on PostgreSQL a booking reads the held
 * seats and then claims its own in one statement (book-pg.ts); moving seats_version makes a
 * claim that read before the change pick again. SQLite books under its write lock.
 */
export async function repickOnPostgres(trx: Db, screeningId: number): Promise<void> {
  if (isPostgres(trx)) await trx.updateTable('screenings').set(eb => ({ seats_version: eb('seats_version', '+', 1) })).where('id', '=', screeningId).execute()
}

const screeningLock = prepared((db: Db, id: number) => db.selectFrom('screenings').select('id').where('id', '=', id).forUpdate())

/** A screening with what a booking and its email show of its venue and show. */
export function screeningForBooking(trx: Db, screeningId: number) {
  return trx.selectFrom('screenings as s').innerJoin('venues as v', 'v.id', 's.venue_id').innerJoin('shows as sh', 'sh.id', 's.show_id')
    .select(['s.id', 's.starts_at', 's.price', 's.prices', 's.capacity', 's.seats_version', 'v.layout_version', 'v.id as venue_id', 'v.name as venue_name', 'v.place', 'v.timezone', 'sh.id as show_id', 'sh.name as show_name', 'sh.poster_key', 'sh.duration_minutes'])
    .where('s.id', '=', screeningId)
}

const liveScreening = prepared((db: Db, id: number) => screeningForBooking(db, id).where('s.cancelled_at', 'is', null))

/** The screening a booking is made or changed for, under its lock; NotFound or Conflict (started) otherwise. */
export async function loadScreening(trx: Db, screeningId: number, now: Date) {
  const s = (await liveScreening(trx, screeningId)).rows[0]
  if (!s) throw new NotFound('No such screening')
  if (new Date(s.starts_at) <= now) throw new Conflict('This screening has already started: bookings can no longer be made or changed', { seatsLeft: 0 })
  return s
}

/** One prepared insert per number of seats (1–10), each row (screening, seat, booking). */
const seatInserts = new Map<number, ReturnType<typeof seatInsert>>()
function seatInsert(n: number) {
  return prepared((db: Db, ...values: (string | number)[]) => db.insertInto('booking_seats')
    .values(Array.from({ length: n }, (_, i) => ({ screening_id: values[3 * i] as number, seat: values[3 * i + 1] as string, booking_id: values[3 * i + 2] as number }))))
}

/** Inserts one seat row per seat (UNIQUE(screening_id, seat) is the last line of defence). */
export async function insertSeats(trx: Db, screeningId: number, bookingId: number, seats: string[]): Promise<void> {
  let insert = seatInserts.get(seats.length)
  if (!insert) seatInserts.set(seats.length, insert = seatInsert(seats.length))
  await insert(trx, ...seats.flatMap(seat => [screeningId, seat, bookingId]))
}

export type LoadedScreening = Awaited<ReturnType<typeof loadScreening>>
