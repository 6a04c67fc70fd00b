import { randomInt } from 'node:crypto'
import Papa from 'papaparse'
import { sql } from 'kysely'
import type { Db } from '../db'
import { isPostgres } from '../db'
import { isUniqueViolation } from '../db/errors'
import { prepared } from '../db/prepared'
import { writeTransaction } from '../db/write'
import { formatMajorUnits, venueClock } from '#shared/format'
import { seatExists } from '#shared/seats'
import type { BookingCreateInput, BookingPatchInput } from '#shared/schemas/booking'
import type { Booking, Page, ScreeningBooking } from '#shared/types/api'
import { badRequest, conflict, notFound } from './http-errors'
import { seatCacheOf } from './seat-cache'
import { bestSeats, seatsNear, sortSeats } from './seating'
import { deferredBookingEmail } from './emails'
import type { BookingMail, MailContext } from './emails'
import { buildBookingIcs } from './ics'
import { enqueueEmail } from './mail'
import { posterUrls } from './shows'

const REFERENCE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ' // no 0/O, 1/I: read aloud at a counter

/** A short public booking code such as `K7QX2M9D`. */
export function newReference(): string {
  return Array.from({ length: 8 }, () => REFERENCE_ALPHABET[randomInt(REFERENCE_ALPHABET.length)]).join('')
}

function bookingQuery(db: Db) {
  return db.selectFrom('bookings as b')
    .innerJoin('screenings as s', 's.id', 'b.screening_id')
    .innerJoin('shows as sh', 'sh.id', 's.show_id')
    .innerJoin('venues as v', 'v.id', 's.venue_id')
    .select([
      'b.id', 'b.reference', 'b.status', 'b.quantity', 'b.seats', 'b.unit_price', 'b.total', 'b.created_at', 'b.updated_at', 'b.user_id',
      's.id as screening_id', 's.starts_at', 'sh.id as show_id', 'sh.name as show_name', 'sh.poster_key', 'sh.duration_minutes',
      'v.id as venue_id', 'v.name as venue_name', 'v.place', 'v.timezone',
    ])
}

type BookingJoinRow = Awaited<ReturnType<ReturnType<typeof bookingQuery>['executeTakeFirstOrThrow']>>

const splitSeats = (s: string) => (s ? s.split(',') : [])

function toBooking(r: BookingJoinRow): Booking {
  return {
    id: r.id,
    reference: r.reference,
    status: r.status,
    quantity: r.quantity,
    seats: splitSeats(r.seats),
    unitPrice: r.unit_price,
    total: r.total,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    screening: {
      id: r.screening_id,
      startsAt: r.starts_at,
      show: { id: r.show_id, name: r.show_name, posterUrl: posterUrls(r.poster_key).posterUrl },
      venue: { id: r.venue_id, name: r.venue_name, place: r.place, timezone: r.timezone },
    },
  }
}

/** A user's own booking; undefined for anyone else's (the API answers 404, never 403). */
export async function getBooking(db: Db, userId: number, id: number): Promise<Booking | undefined> {
  const row = await bookingQuery(db).where('b.id', '=', id).where('b.user_id', '=', userId).executeTakeFirst()
  return row && toBooking(row)
}

/** A user's bookings, newest first. */
export async function listBookings(db: Db, userId: number, opts: { page: number, pageSize: number, status?: 'confirmed' | 'cancelled' | 'all', when?: 'upcoming' | 'past' | 'all', now?: Date }): Promise<Page<Booking>> {
  const nowIso = (opts.now ?? new Date()).toISOString()
  let q = bookingQuery(db).where('b.user_id', '=', userId)
  if (opts.status && opts.status !== 'all') q = q.where('b.status', '=', opts.status)
  if (opts.when === 'upcoming') q = q.where('s.starts_at', '>', nowIso)
  if (opts.when === 'past') q = q.where('s.starts_at', '<=', nowIso)
  const [rows, count] = await Promise.all([
    q.orderBy('b.created_at', 'desc').orderBy('b.id', 'desc').limit(opts.pageSize).offset((opts.page - 1) * opts.pageSize).execute(),
    q.clearSelect().select(eb => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ])
  return { items: rows.map(toBooking), total: Number(count.n), page: opts.page, pageSize: opts.pageSize }
}

// The booking path's queries are prepared (see db/prepared.ts): built and compiled once.
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
async function takenSeats(trx: Db, screeningId: number, exceptBookingId?: number): Promise<Set<string>> {
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
async function claimCount(trx: Db, screeningId: number, delta: number): Promise<boolean> {
  const res = await claim(trx, screeningId, delta)
  return Number(res.numAffectedRows) === 1
}

function assertSeatsExist(seats: string[], capacity: number, seatsPerRow: number) {
  const missing = seats.filter(s => !seatExists(s, capacity, seatsPerRow))
  if (missing.length) throw badRequest(`No such seat at this venue: ${missing.join(', ')}`, 'seats')
}

/**
 * The seats cannot be had. Thrown inside a booking transaction and answered 409 once it has
 * rolled back, so `seatsLeft` counts what is really left, not the rolled-back claim.
 */
class SeatsUnavailable extends Error {
  constructor(readonly screeningId: number, readonly describe: (seatsLeft: number) => string, readonly extra: Record<string, unknown> = {}) {
    super('seats unavailable')
  }
}

function soldOut(screeningId: number, describe: (seatsLeft: number) => string, extra?: Record<string, unknown>): never {
  throw new SeatsUnavailable(screeningId, describe, extra)
}

/** After the rollback: a 409 with the seats left now; a UNIQUE(screening_id, seat) violation too. */
async function asConflict(db: Db, err: unknown, screeningId: number | undefined): Promise<never> {
  if (err instanceof SeatsUnavailable) {
    const left = await seatsLeft(db, err.screeningId)
    throw conflict(err.describe(left), { seatsLeft: left, ...err.extra })
  }
  // The UNIQUE(screening_id, seat) constraint is the last line of defence.
  if (isUniqueViolation(err) && screeningId !== undefined)
    throw conflict('Someone else just booked one of those seats', { seatsLeft: await seatsLeft(db, screeningId) })
  throw err
}

/**
 * Takes the screening row's lock for the rest of the transaction. Every change to a
 * screening's seats and to its bookings takes this lock first (one lock order, so no
 * deadlocks) and reads what it changes only after it, so nothing works on a stale read.
 * SQLite runs one write transaction at a time, so there it is not needed.
 */
async function lockScreening(trx: Db, screeningId: number): Promise<void> {
  if (isPostgres(trx)) await screeningLock(trx, screeningId)
}

const screeningLock = prepared((db: Db, id: number) => db.selectFrom('screenings').select('id').where('id', '=', id).forUpdate())

/** A screening with what a booking and its email show of its venue and show. */
function screeningForBooking(trx: Db, screeningId: number) {
  return trx.selectFrom('screenings as s').innerJoin('venues as v', 'v.id', 's.venue_id').innerJoin('shows as sh', 'sh.id', 's.show_id')
    .select(['s.id', 's.starts_at', 's.price', 's.capacity', 's.seats_version', 'v.seats_per_row', 'v.id as venue_id', 'v.name as venue_name', 'v.place', 'v.timezone', 'sh.id as show_id', 'sh.name as show_name', 'sh.poster_key', 'sh.duration_minutes'])
    .where('s.id', '=', screeningId)
}

const liveScreening = prepared((db: Db, id: number) => screeningForBooking(db, id).where('s.cancelled_at', 'is', null))

async function loadScreening(trx: Db, screeningId: number, now: Date) {
  const s = (await liveScreening(trx, screeningId)).rows[0]
  if (!s) throw notFound('No such screening')
  if (new Date(s.starts_at) <= now) throw conflict('This screening has already started: bookings can no longer be made or changed', { seatsLeft: 0 })
  return s
}

/** Retries a transaction whose only failure was a clash of random booking references. */
async function withFreshReference<T>(run: (reference: string) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run(newReference())
    }
    catch (err) {
      const text = `${(err as Error).message} ${(err as { constraint?: string }).constraint ?? ''}`
      if (attempt < 5 && isUniqueViolation(err) && text.includes('reference')) continue
      throw err
    }
  }
}

/**
 * Who to tell about a booking and how: the booking's email is put in the outbox inside the
 * booking's own transaction (a database write, not I/O), so a committed booking always has
 * its email and a rolled-back one never does. Left out (unit tests), no email is written.
 */
export interface BookingNotify {
  to: string
  ctx: MailContext
}

type LoadedScreening = Awaited<ReturnType<typeof loadScreening>>

function bookingMail(s: LoadedScreening, b: { id: number, reference: string, status: 'confirmed' | 'cancelled', userId: number, seats: string[], unitPrice: number }): BookingMail {
  return {
    ...b,
    quantity: b.seats.length,
    total: b.unitPrice * b.seats.length,
    startsAt: s.starts_at,
    durationMinutes: s.duration_minutes,
    showId: s.show_id,
    showName: s.show_name,
    venueName: s.venue_name,
    place: s.place,
    timezone: s.timezone,
  }
}

const insertBooking = prepared((db: Db, reference: string, userId: number, screeningId: number, quantity: number, unitPrice: number, total: number, seats: string, createdAt: string, updatedAt: string) =>
  db.insertInto('bookings').values({
    reference,
    user_id: userId,
    screening_id: screeningId,
    quantity,
    unit_price: unitPrice,
    total,
    status: 'confirmed',
    seats,
    created_at: createdAt,
    updated_at: updatedAt,
  }).returning('id'))

/** One prepared insert per number of seats (1–10), each row (screening, seat, booking). */
const seatInserts = new Map<number, ReturnType<typeof seatInsert>>()
function seatInsert(n: number) {
  return prepared((db: Db, ...values: (string | number)[]) => db.insertInto('booking_seats')
    .values(Array.from({ length: n }, (_, i) => ({ screening_id: values[3 * i] as number, seat: values[3 * i + 1] as string, booking_id: values[3 * i + 2] as number }))))
}

async function insertSeats(trx: Db, screeningId: number, bookingId: number, seats: string[]): Promise<void> {
  let insert = seatInserts.get(seats.length)
  if (!insert) seatInserts.set(seats.length, insert = seatInsert(seats.length))
  await insert(trx, ...seats.flatMap(seat => [screeningId, seat, bookingId]))
}

/**
 * Books seats in one transaction: the conditional counter update must succeed and every
 * seat row must insert, or nothing changes and the caller gets 409 with `seatsLeft`.
 * `quantity` picks the best free seats; `seats` books exactly those. 1–10 seats; the unit
 * price is fixed now, total = unit price × quantity.
 */
export async function createBooking(db: Db, userId: number, input: BookingCreateInput, now = new Date(), notify?: BookingNotify): Promise<Booking> {
  // SQLite: the taken seats come from memory while the screening's seats_version agrees.
  const cache = isPostgres(db) ? undefined : seatCacheOf(db)
  const onRollback = () => cache?.forget(input.screeningId)
  // Answered from what the transaction read and wrote: no second read on the hot path.
  return withFreshReference(reference => writeTransaction(db, async (trx): Promise<Booking> => {
    await lockScreening(trx, input.screeningId)
    const s = await loadScreening(trx, input.screeningId, now)
    const wanted = 'seats' in input ? sortSeats(input.seats) : undefined
    if (wanted) assertSeatsExist(wanted, s.capacity, s.seats_per_row)
    const n = wanted ? wanted.length : (input as { quantity: number }).quantity
    if (!await claimCount(trx, s.id, n)) soldOut(s.id, left => `Only ${left} seats are left`)
    const taken = cache?.get(s.id, s.seats_version) ?? await takenSeats(trx, s.id)
    let seats = wanted
    if (seats) {
      const clash = seats.filter(seat => taken.has(seat))
      if (clash.length) soldOut(s.id, () => `Someone else just booked ${clash.join(', ')}`, { taken: clash })
    }
    else {
      seats = sortSeats(bestSeats(s.capacity, s.seats_per_row, taken, n) ?? soldOut(s.id, left => `Only ${left} seats are left`))
    }
    const nowIso = now.toISOString()
    const row = (await insertBooking(trx, reference, userId, s.id, n, s.price, s.price * n, seats.join(','), nowIso, nowIso)).rows[0]!
    await insertSeats(trx, s.id, row.id, seats)
    if (cache) {
      // One trigger step per seat row: the version the screening now has.
      for (const seat of seats) taken.add(seat)
      cache.set(s.id, s.seats_version + seats.length, taken)
    }
    if (notify) {
      const mail = bookingMail(s, { id: row.id, reference, status: 'confirmed', userId, seats, unitPrice: s.price })
      await enqueueEmail(trx, deferredBookingEmail({ name: 'booking-confirmed', booking: mail, ctx: notify.ctx, at: nowIso }, notify.to), now)
    }
    return {
      id: row.id,
      reference,
      status: 'confirmed',
      quantity: n,
      seats,
      unitPrice: s.price,
      total: s.price * n,
      createdAt: nowIso,
      updatedAt: nowIso,
      screening: {
        id: s.id,
        startsAt: s.starts_at,
        show: { id: s.show_id, name: s.show_name, posterUrl: posterUrls(s.poster_key).posterUrl },
        venue: { id: s.venue_id, name: s.venue_name, place: s.place, timezone: s.timezone },
      },
    }
  }, { onRollback })).catch(err => asConflict(db, err, input.screeningId))
}

async function ownedForChange(trx: Db, userId: number, id: number) {
  const b = await trx.selectFrom('bookings').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst()
  if (!b) throw notFound('No such booking')
  return b
}

/** The user's booking, read again once its screening is locked (see lockScreening). */
async function lockedForChange(trx: Db, userId: number, id: number) {
  const { screening_id } = await ownedForChange(trx, userId, id)
  await lockScreening(trx, screening_id)
  return ownedForChange(trx, userId, id)
}

/**
 * Changes a booking to a new quantity (keeping the seats it has and adding the nearest
 * free ones, or letting go of the last ones) or to exactly the given seats. Atomic: when
 * the new seats cannot be had, the booking keeps its old ones and the caller gets 409.
 */
export async function changeBooking(db: Db, userId: number, id: number, patch: BookingPatchInput, now = new Date(), notify?: BookingNotify): Promise<Booking | undefined> {
  let screeningId: number | undefined
  await writeTransaction(db, async (trx) => {
    const b = await lockedForChange(trx, userId, id)
    screeningId = b.screening_id
    if (b.status !== 'confirmed') soldOut(b.screening_id, () => 'This booking is cancelled; book again instead')
    const s = await loadScreening(trx, b.screening_id, now)
    const held = splitSeats(b.seats)
    const wanted = 'seats' in patch ? sortSeats(patch.seats) : undefined
    if (wanted) assertSeatsExist(wanted, s.capacity, s.seats_per_row)
    const n = wanted ? wanted.length : (patch as { quantity: number }).quantity
    // Always through the conditional update (delta may be 0 or negative).
    if (!await claimCount(trx, s.id, n - b.quantity)) soldOut(s.id, left => `Only ${left} more seats are left`)
    const taken = await takenSeats(trx, s.id, b.id)
    let seats: string[]
    if (wanted) {
      const clash = wanted.filter(seat => taken.has(seat))
      if (clash.length) soldOut(s.id, () => `Someone else has ${clash.join(', ')}`, { taken: clash })
      seats = wanted
    }
    else if (n <= held.length) {
      seats = sortSeats(held).slice(0, n)
    }
    else {
      const more = seatsNear(s.capacity, s.seats_per_row, taken, held, n - held.length) ?? soldOut(s.id, () => 'Not enough seats are left')
      seats = sortSeats([...held, ...more])
    }
    const drop = held.filter(seat => !seats.includes(seat))
    const add = seats.filter(seat => !held.includes(seat))
    if (drop.length) await trx.deleteFrom('booking_seats').where('booking_id', '=', b.id).where('seat', 'in', drop).execute()
    if (add.length) await insertSeats(trx, s.id, b.id, add)
    await trx.updateTable('bookings').set({ quantity: n, total: b.unit_price * n, seats: seats.join(','), updated_at: now.toISOString() })
      .where('id', '=', b.id).execute()
    if (notify && (drop.length || add.length)) {
      // Each change is its own email, numbered; changes of one booking run one at a time
      // (the screening lock), so the count cannot race.
      const prior = await trx.selectFrom('outbox').select(eb => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', userId).where('kind', '=', 'booking-changed').where('dedupe_key', 'like', `booking-changed:${b.id}:%`)
        .executeTakeFirstOrThrow()
      const mail = bookingMail(s, { id: b.id, reference: b.reference, status: 'confirmed', userId, seats, unitPrice: b.unit_price })
      await enqueueEmail(trx, deferredBookingEmail({ name: 'booking-changed', booking: mail, ctx: notify.ctx, at: now.toISOString(), change: Number(prior.n) + 1 }, notify.to), now)
    }
  }).catch(err => asConflict(db, err, screeningId))
  return getBooking(db, userId, id)
}

/**
 * Cancels a booking and frees its seats exactly once, however often it is called; refused
 * (409) once the screening has started. Undefined for someone else's booking.
 */
export async function cancelBooking(db: Db, userId: number, id: number, now = new Date(), notify?: BookingNotify): Promise<{ booking: Booking, cancelledNow: boolean } | undefined> {
  const cancelledNow = await writeTransaction(db, async (trx) => {
    const b = await lockedForChange(trx, userId, id)
    if (b.status === 'cancelled') return false
    const s = await screeningForBooking(trx, b.screening_id).executeTakeFirstOrThrow()
    if (new Date(s.starts_at) <= now) throw conflict('This screening has already started: the booking can no longer be cancelled', { seatsLeft: 0 })
    const res = await trx.updateTable('bookings').set({ status: 'cancelled', updated_at: now.toISOString() })
      .where('id', '=', b.id).where('status', '=', 'confirmed').executeTakeFirst()
    if (Number(res.numUpdatedRows) !== 1) return false
    await trx.deleteFrom('booking_seats').where('booking_id', '=', b.id).execute()
    await trx.updateTable('screenings').set(eb => ({ seats_sold: eb('seats_sold', '-', b.quantity) })).where('id', '=', b.screening_id).execute()
    if (notify) {
      const mail = bookingMail(s, { id: b.id, reference: b.reference, status: 'cancelled', userId, seats: splitSeats(b.seats), unitPrice: b.unit_price })
      await enqueueEmail(trx, deferredBookingEmail({ name: 'booking-cancelled', booking: mail, ctx: notify.ctx, reason: 'user' }, notify.to), now)
    }
    return true
  }).catch((err) => {
    if ((err as { statusCode?: number }).statusCode === 404) return undefined
    throw err
  })
  if (cancelledNow === undefined) return undefined
  const booking = await getBooking(db, userId, id)
  return booking && { booking, cancelledNow }
}

/** Who booked what for a screening (admins), newest first; undefined for an unknown screening. */
export async function listScreeningBookings(db: Db, screeningId: number): Promise<ScreeningBooking[] | undefined> {
  const screening = await db.selectFrom('screenings').select('id').where('id', '=', screeningId).executeTakeFirst()
  if (!screening) return undefined
  const rows = await db.selectFrom('bookings as b').innerJoin('users as u', 'u.id', 'b.user_id')
    .select(['b.id', 'b.reference', 'b.status', 'b.quantity', 'b.seats', 'b.total', 'b.created_at', 'u.id as user_id', 'u.username', 'u.email'])
    .where('b.screening_id', '=', screeningId).orderBy('b.created_at', 'desc').orderBy('b.id', 'desc').execute()
  return rows.map(r => ({
    id: r.id,
    reference: r.reference,
    status: r.status,
    quantity: r.quantity,
    seats: splitSeats(r.seats),
    total: r.total,
    createdAt: r.created_at,
    user: { id: r.user_id, username: r.username, email: r.email },
  }))
}

/** What a row of the bookings CSV needs (bookingQuery selects it). */
export type BookingCsvRow = Pick<BookingJoinRow, 'reference' | 'show_name' | 'venue_name' | 'place' | 'starts_at' | 'timezone' | 'seats' | 'quantity' | 'unit_price' | 'total' | 'status' | 'created_at'>

/**
 * Bookings as CSV, in the order given; start times in the venue's timezone, money in
 * major units. Cells that a spreadsheet would run as formulas are escaped. The export and
 * the monthly report's attachment share it.
 */
export function formatBookingsCsv(rows: BookingCsvRow[], currency: string): string {
  const major = (minor: number) => formatMajorUnits(minor, currency)
  return Papa.unparse({
    fields: ['Reference', 'Show', 'Venue', 'Place', 'Starts (venue time)', 'Timezone', 'Seats', 'Quantity', 'Unit price', 'Total', 'Currency', 'Status', 'Booked at (UTC)'],
    data: rows.map(r => [r.reference, r.show_name, r.venue_name, r.place, venueClock(r.starts_at, r.timezone), r.timezone, splitSeats(r.seats).join(' '), r.quantity, major(r.unit_price), major(r.total), currency, r.status, r.created_at]),
  }, { escapeFormulae: true, newline: '\r\n' })
}

/** A user's bookings as CSV, newest first (see formatBookingsCsv). */
export async function bookingsCsv(db: Db, userId: number, currency: string): Promise<string> {
  const rows = await bookingQuery(db).where('b.user_id', '=', userId).orderBy('b.created_at', 'desc').orderBy('b.id', 'desc').execute()
  return formatBookingsCsv(rows, currency)
}

/** An iCalendar event for one of the user's bookings; undefined for anyone else's. */
export async function bookingIcs(db: Db, userId: number, id: number, siteUrl: string, now = new Date()): Promise<{ reference: string, ics: string } | undefined> {
  const r = await bookingQuery(db).where('b.id', '=', id).where('b.user_id', '=', userId).executeTakeFirst()
  if (!r) return undefined
  const ics = buildBookingIcs({
    id: r.id, reference: r.reference, status: r.status, seats: splitSeats(r.seats), startsAt: r.starts_at,
    durationMinutes: r.duration_minutes, showName: r.show_name, venueName: r.venue_name, place: r.place,
  }, siteUrl, now)
  return { reference: r.reference, ics }
}
