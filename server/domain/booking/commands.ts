import { randomInt } from 'node:crypto'
import type { Db } from '../../db'
import { isPostgres } from '../../db'
import { isUniqueViolation } from '../../db/errors'
import { prepared } from '../../db/prepared'
import { writeTransaction } from '../../db/write'
import type { BookingCreateInput, BookingPatchInput } from '#shared/schemas/booking'
import type { Booking } from '#shared/types/api'
import { Conflict } from '../errors'
import { deferredBookingEmail, enqueueEmail } from '../mail'
import type { MailContext } from '../mail'
import { NeedsLock, SeatClash, bookOnPostgres } from './book-pg'
import { getBooking, noSuchBooking, splitSeats } from './queries'
import { seatCacheOf } from './seat-cache'
import { bestSeats, seatsNear, sortSeats } from '#shared/seating'
import { asConflict, assertSeatsExist, claimCount, insertSeats, loadScreening, lockScreening, screeningForBooking, soldOut, takenSeats } from './seats'
import { bookingMail, confirmedBooking } from './views'
import { clashMessage, releaseHold, seatsHeldByOthers } from './holds'
import { endOwnEntry, offerFreeSeats } from './offers'
import type { OfferSettings } from './offers'
import { categoryPrices, loadHall } from '../catalog'
import { assertCategory, categoryName, linesOf, priceSeats, totalOf, unitPriceOf } from './pricing'

// Making, changing and cancelling a booking: each one transaction that either happens
// whole, with its email in the outbox, or not at all.

const REFERENCE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ' // no 0/O, 1/I: read aloud at a counter

/** A short public booking code such as `K7QX2M9D`. */
function newReference(): string {
  return Array.from({ length: 8 }, () => REFERENCE_ALPHABET[randomInt(REFERENCE_ALPHABET.length)]).join('')
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
  /** how seats this frees are offered to the screening's waiting list (offers.ts) */
  offers?: OfferSettings
}

const insertBooking = prepared((db: Db, reference: string, userId: number, screeningId: number, quantity: number, unitPrice: number, total: number, seats: string, lines: string, createdAt: string, updatedAt: string) =>
  db.insertInto('bookings').values({
    reference,
    user_id: userId,
    screening_id: screeningId,
    quantity,
    unit_price: unitPrice,
    total,
    status: 'confirmed',
    seats,
    lines,
    created_at: createdAt,
    updated_at: updatedAt,
  }).returning('id'))

/**
 * Books seats in one transaction: the conditional counter update must succeed and every
 * seat row must insert, or nothing changes and the caller gets a Conflict with `seatsLeft`.
 * `quantity` picks the best free seats (of `category` when given); `seats` books exactly
 * those. 1–10 seats, each at its category's price at the screening; total = their sum.
 */
export async function createBooking(db: Db, userId: number, input: BookingCreateInput, now = new Date(), notify?: BookingNotify): Promise<Booking> {
  if (isPostgres(db)) {
    // Two statements, no lock held across round trips (book-pg.ts); after four lost races
    // for a seat, the locked path below.
    for (let attempt = 0; attempt < 4; attempt++) {
      try {
        return await withFreshReference(reference => bookOnPostgres(db, userId, input, reference, now, notify, attempt))
      }
      catch (err) {
        if (err instanceof NeedsLock) break
        if (!(err instanceof SeatClash)) throw err
      }
    }
  }
  return createBookingLocked(db, userId, input, now, notify)
}

/** createBooking in one transaction that holds the screening's lock (SQLite: the write lock). */
async function createBookingLocked(db: Db, userId: number, input: BookingCreateInput, now: Date, notify?: BookingNotify): Promise<Booking> {
  // SQLite: the taken seats come from memory while the screening's seats_version agrees.
  const cache = isPostgres(db) ? undefined : seatCacheOf(db)
  const onRollback = () => cache?.forget(input.screeningId)
  // Answered from what the transaction read and wrote: no second read on the hot path.
  return withFreshReference(reference => writeTransaction(db, async (trx): Promise<Booking> => {
    await lockScreening(trx, input.screeningId)
    const s = await loadScreening(trx, input.screeningId, now)
    const hall = await loadHall(trx, s.venue_id, s.layout_version)
    const wanted = 'seats' in input ? sortSeats(input.seats) : undefined
    if (wanted) assertSeatsExist(wanted, hall)
    const category = 'category' in input ? input.category : undefined
    if (category) assertCategory(hall, category)
    const n = wanted ? wanted.length : (input as { quantity: number }).quantity
    if (!await claimCount(trx, s.id, n)) soldOut(s.id, left => `Only ${left} seats are left`)
    const taken = cache?.get(s.id, s.seats_version) ?? await takenSeats(trx, s.id)
    // Seats someone else holds while choosing are not to be had either (not kept in the cache).
    const held = await seatsHeldByOthers(trx, s.id, userId, now)
    const unavailable = held.size ? new Set([...taken, ...held]) : taken
    let seats = wanted
    if (seats) {
      const clash = seats.filter(seat => unavailable.has(seat))
      if (clash.length) soldOut(s.id, () => clashMessage(clash, held), { taken: clash })
    }
    else {
      seats = sortSeats(bestSeats(hall, unavailable, n, category) ?? soldOut(s.id, left => category ? `Not enough ${categoryName(hall, category)} seats are left` : `Only ${left} seats are left`))
    }
    const nowIso = now.toISOString()
    const lines = priceSeats(hall, categoryPrices(hall, s.price, s.prices), seats)
    const row = (await insertBooking(trx, reference, userId, s.id, n, unitPriceOf(lines), totalOf(lines), seats.join(','), JSON.stringify(lines), nowIso, nowIso)).rows[0]!
    await insertSeats(trx, s.id, row.id, seats)
    await releaseHold(trx, s.id, userId)
    // Booked: off the screening's waiting list, and offered seats not taken go on.
    await endOwnEntry(trx, s.id, userId, 'booked', now, notify?.offers)
    if (cache) {
      // One trigger step per seat row: the version the screening now has.
      for (const seat of seats) taken.add(seat)
      cache.set(s.id, s.seats_version + seats.length, taken)
    }
    if (notify) {
      const mail = bookingMail(s, { id: row.id, reference, status: 'confirmed', userId, lines })
      await enqueueEmail(trx, deferredBookingEmail({ name: 'booking-confirmed', booking: mail, ctx: notify.ctx, at: nowIso }, notify.to), now)
    }
    return confirmedBooking(s, { id: row.id, reference, lines, at: nowIso })
  }, { onRollback })).catch(err => asConflict(db, err, input.screeningId))
}

async function ownedForChange(trx: Db, userId: number, id: number) {
  const b = await trx.selectFrom('bookings').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst()
  if (!b) throw noSuchBooking()
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
 * the new seats cannot be had, the booking keeps its old ones and the caller gets a
 * Conflict; NotFound for someone else's booking.
 */
export async function changeBooking(db: Db, userId: number, id: number, patch: BookingPatchInput, now = new Date(), notify?: BookingNotify): Promise<Booking> {
  let screeningId: number | undefined
  await writeTransaction(db, async (trx) => {
    const b = await lockedForChange(trx, userId, id)
    screeningId = b.screening_id
    if (b.status !== 'confirmed') soldOut(b.screening_id, () => 'This booking is cancelled; book again instead')
    const s = await loadScreening(trx, b.screening_id, now)
    const hall = await loadHall(trx, s.venue_id, s.layout_version)
    const held = splitSeats(b.seats)
    const wanted = 'seats' in patch ? sortSeats(patch.seats) : undefined
    if (wanted) assertSeatsExist(wanted, hall)
    const n = wanted ? wanted.length : (patch as { quantity: number }).quantity
    // Always through the conditional update (delta may be 0 or negative).
    if (!await claimCount(trx, s.id, n - b.quantity)) soldOut(s.id, left => `Only ${left} more seats are left`)
    const booked = await takenSeats(trx, s.id, b.id)
    const othersHold = await seatsHeldByOthers(trx, s.id, userId, now)
    const taken = othersHold.size ? new Set([...booked, ...othersHold]) : booked
    let seats: string[]
    if (wanted) {
      const clash = wanted.filter(seat => taken.has(seat))
      if (clash.length) soldOut(s.id, () => clashMessage(clash, othersHold), { taken: clash })
      seats = wanted
    }
    else if (n <= held.length) {
      seats = sortSeats(held).slice(0, n)
    }
    else {
      const more = seatsNear(hall, taken, held, n - held.length) ?? soldOut(s.id, () => 'Not enough seats are left')
      seats = sortSeats([...held, ...more])
    }
    const drop = held.filter(seat => !seats.includes(seat))
    const add = seats.filter(seat => !held.includes(seat))
    await releaseHold(trx, s.id, userId)
    if (drop.length) await trx.deleteFrom('booking_seats').where('booking_id', '=', b.id).where('seat', 'in', drop).execute()
    if (add.length) await insertSeats(trx, s.id, b.id, add)
    // Seats given back are offered to the waiting list; taking seats ends one's own place on it.
    const endedOwn = add.length > 0 && await endOwnEntry(trx, s.id, userId, 'booked', now, notify?.offers)
    if (drop.length && !endedOwn) await offerFreeSeats(trx, s.id, now, notify?.offers)
    // Seats kept keep the price they were sold at, and seats added in a category the booking
    // already has cost what it paid there; only a new category costs today's price.
    const before = linesOf(b.lines, held, b.unit_price)
    const kept = new Map(before.map(l => [l.seat, l]))
    const prices = { ...categoryPrices(hall, s.price, s.prices), ...Object.fromEntries(before.map(l => [l.category, l.price])) }
    const lines = seats.map(seat => kept.get(seat) ?? priceSeats(hall, prices, [seat])[0]!)
    await trx.updateTable('bookings').set({ quantity: n, unit_price: unitPriceOf(lines), total: totalOf(lines), seats: seats.join(','), lines: JSON.stringify(lines), updated_at: now.toISOString() })
      .where('id', '=', b.id).execute()
    if (notify && (drop.length || add.length)) {
      // Each change is its own email, numbered together with moves (move.ts); changes of one
      // booking run one at a time (the screening lock), so the count cannot race.
      const prior = await trx.selectFrom('outbox').select(eb => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', userId).where('kind', 'in', ['booking-changed', 'booking-moved'])
        .where(eb => eb.or([eb('dedupe_key', 'like', `booking-changed:${b.id}:%`), eb('dedupe_key', 'like', `booking-moved:${b.id}:%`)]))
        .executeTakeFirstOrThrow()
      const mail = bookingMail(s, { id: b.id, reference: b.reference, status: 'confirmed', userId, lines })
      await enqueueEmail(trx, deferredBookingEmail({ name: 'booking-changed', booking: mail, ctx: notify.ctx, at: now.toISOString(), change: Number(prior.n) + 1 }, notify.to), now)
    }
  }).catch(err => asConflict(db, err, screeningId))
  return getBooking(db, userId, id)
}

/**
 * Cancels a booking and frees its seats exactly once, however often it is called; refused
 * (Conflict) once the screening has started. NotFound for someone else's booking.
 */
export async function cancelBooking(db: Db, userId: number, id: number, now = new Date(), notify?: BookingNotify): Promise<{ booking: Booking, cancelledNow: boolean }> {
  const cancelledNow = await writeTransaction(db, async (trx) => {
    const b = await lockedForChange(trx, userId, id)
    if (b.status === 'cancelled') return false
    const s = await screeningForBooking(trx, b.screening_id).executeTakeFirstOrThrow()
    if (new Date(s.starts_at) <= now) throw new Conflict('This screening has already started: the booking can no longer be cancelled', { seatsLeft: 0 })
    const res = await trx.updateTable('bookings').set({ status: 'cancelled', updated_at: now.toISOString() })
      .where('id', '=', b.id).where('status', '=', 'confirmed').executeTakeFirst()
    if (Number(res.numUpdatedRows) !== 1) return false
    await trx.deleteFrom('booking_seats').where('booking_id', '=', b.id).execute()
    await trx.updateTable('screenings').set(eb => ({ seats_sold: eb('seats_sold', '-', b.quantity) })).where('id', '=', b.screening_id).execute()
    await offerFreeSeats(trx, b.screening_id, now, notify?.offers)
    if (notify) {
      const mail = bookingMail(s, { id: b.id, reference: b.reference, status: 'cancelled', userId, lines: linesOf(b.lines, splitSeats(b.seats), b.unit_price) })
      await enqueueEmail(trx, deferredBookingEmail({ name: 'booking-cancelled', booking: mail, ctx: notify.ctx, reason: 'user' }, notify.to), now)
    }
    return true
  })
  return { booking: await getBooking(db, userId, id), cancelledNow }
}
