import type { Db } from '../../db'
import { writeTransaction } from '../../db/write'
import type { BookingMoveInput } from '#shared/schemas/booking'
import type { Booking } from '#shared/types/api'
import { Conflict, Invalid, NotFound } from '../errors'
import { deferredBookingEmail, enqueueEmail } from '../mail'
import { bestSeats, sortSeats } from '#shared/seating'
import { categoryPrices, loadHall } from '../catalog'
import type { BookingNotify } from './commands'
import { clashMessage, releaseHold, seatsHeldByOthers } from './holds'
import { endOwnEntry, offerFreeSeats } from './offers'
import { assertCategory, categoryName, priceSeats, totalOf, unitPriceOf } from './pricing'
import { getBooking, noSuchBooking, splitSeats } from './queries'
import { asConflict, assertSeatsExist, claimCount, insertSeats, lockScreening, screeningForBooking, soldOut, takenSeats } from './seats'
import { bookingMail } from './views'

// Moving a booking to another screening of its show: one write transaction that locks both
// screenings (in id order, so two moves in opposite directions cannot deadlock), claims the
// new seats as a booking does, frees the old ones and moves the booking row. Either the
// booking is entirely at the new screening or entirely where it was.

/** What a move did: the booking where it is now, and the seats it gave back where it was. */
export interface MoveResult {
  booking: Booking
  from: { screeningId: number, freed: string[] }
}

const owned = (trx: Db, userId: number, id: number) =>
  trx.selectFrom('bookings').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst()

/**
 * Moves the user's booking to `screeningId` (another upcoming screening of the same show),
 * keeping its id and reference: exactly `seats`, or the best `quantity` seats (default: as
 * many as it has) of `category`, priced at the new screening. NotFound for someone else's
 * booking or an unknown screening; Invalid for another show's, the same or a started
 * screening (either side); Conflict when the seats cannot be had (held by others counts)
 * or the booking is cancelled, and then nothing has changed.
 */
export async function moveBooking(db: Db, userId: number, id: number, input: BookingMoveInput, now = new Date(), notify?: BookingNotify): Promise<MoveResult> {
  const from = await writeTransaction(db, async (trx) => {
    const first = await owned(trx, userId, id)
    if (!first) throw noSuchBooking()
    for (const sid of [...new Set([first.screening_id, input.screeningId])].sort((a, b) => a - b)) await lockScreening(trx, sid)
    // Read again under the locks: what is changed is read only after them.
    const b = await owned(trx, userId, id)
    if (!b) throw noSuchBooking()
    if (b.screening_id !== first.screening_id) throw new Conflict('This booking was just moved; look at it again and retry')
    if (b.status !== 'confirmed') soldOut(b.screening_id, () => 'This booking is cancelled; book again instead')
    if (b.screening_id === input.screeningId) throw new Invalid('The booking is already at this screening: change its seats instead', 'screeningId')
    const old = await screeningForBooking(trx, b.screening_id).executeTakeFirstOrThrow()
    if (new Date(old.starts_at) <= now) throw new Invalid('Your booking\'s screening has already started: it can no longer be moved', 'screeningId')
    const s = await screeningForBooking(trx, input.screeningId).where('s.cancelled_at', 'is', null).executeTakeFirst()
    if (!s) throw new NotFound('No such screening')
    if (s.show_id !== old.show_id) throw new Invalid('That is a screening of another show: a booking moves only to another time of its show', 'screeningId')
    if (new Date(s.starts_at) <= now) throw new Invalid('That screening has already started: pick a later one', 'screeningId')

    const hall = await loadHall(trx, s.venue_id, s.layout_version)
    const wanted = 'seats' in input ? sortSeats(input.seats) : undefined
    if (wanted) assertSeatsExist(wanted, hall)
    const category = 'seats' in input ? undefined : input.category
    if (category) assertCategory(hall, category)
    const n = wanted ? wanted.length : (('quantity' in input && input.quantity) || b.quantity)
    if (!await claimCount(trx, s.id, n)) soldOut(s.id, left => `Only ${left} seats are left at that time`)
    const taken = await takenSeats(trx, s.id)
    const held = await seatsHeldByOthers(trx, s.id, userId, now)
    const unavailable = new Set([...taken, ...held])
    let seats = wanted
    if (seats) {
      const clash = seats.filter(seat => unavailable.has(seat))
      if (clash.length) soldOut(s.id, () => clashMessage(clash, held), { taken: clash })
    }
    else {
      seats = sortSeats(bestSeats(hall, unavailable, n, category) ?? soldOut(s.id, left => category ? `Not enough ${categoryName(hall, category)} seats are left at that time` : `Only ${left} seats are left at that time`))
    }

    // Give back the old seats, once: the booking row moves in this transaction, so a second
    // move (or a cancel) finds it at its new screening.
    const freed = splitSeats(b.seats)
    await trx.deleteFrom('booking_seats').where('booking_id', '=', b.id).execute()
    await trx.updateTable('screenings').set(eb => ({ seats_sold: eb('seats_sold', '-', b.quantity) })).where('id', '=', b.screening_id).execute()
    // The seats given back go to the old screening's waiting list, in this transaction.
    await offerFreeSeats(trx, b.screening_id, now, notify?.offers)

    await insertSeats(trx, s.id, b.id, seats)
    // The mover's own hold on the new screening is used up by the move.
    await releaseHold(trx, s.id, userId)
    await endOwnEntry(trx, s.id, userId, 'booked', now, notify?.offers)
    const lines = priceSeats(hall, categoryPrices(hall, s.price, s.prices), seats)
    const nowIso = now.toISOString()
    await trx.updateTable('bookings').set({
      screening_id: s.id, quantity: n, unit_price: unitPriceOf(lines), total: totalOf(lines),
      seats: seats.join(','), lines: JSON.stringify(lines), updated_at: nowIso,
    }).where('id', '=', b.id).execute()
    if (notify) {
      // Changes and moves share one count: the invite's SEQUENCE grows with each of them.
      const prior = await trx.selectFrom('outbox').select(eb => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', userId).where('kind', 'in', ['booking-changed', 'booking-moved'])
        .where(eb => eb.or([eb('dedupe_key', 'like', `booking-changed:${b.id}:%`), eb('dedupe_key', 'like', `booking-moved:${b.id}:%`)]))
        .executeTakeFirstOrThrow()
      const mail = bookingMail(s, { id: b.id, reference: b.reference, status: 'confirmed', userId, lines })
      await enqueueEmail(trx, deferredBookingEmail({ name: 'booking-moved', booking: mail, ctx: notify.ctx, at: nowIso, change: Number(prior.n) + 1, previousStartsAt: old.starts_at }, notify.to), now)
    }
    return { screeningId: b.screening_id, freed }
  }).catch(err => asConflict(db, err, input.screeningId))
  return { booking: await getBooking(db, userId, id), from }
}
