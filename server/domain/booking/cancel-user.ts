import type { Db } from '../../db'
import { isPostgres } from '../../db'
import { bookingCancelledEmail, enqueueEmail } from '../mail'
import type { MailContext } from '../mail'
import { offerFreeSeats } from './offers'
import type { OfferSettings } from './offers'
import { splitSeats } from './queries'
import { leaveAllWaitlists, screeningsWaitedFor } from './waitlist'

// A person's upcoming bookings, when they leave: how many there are, and cancelling them
// all inside the transaction that removes the person, each with its cancellation email.

/** Confirmed bookings of the user for screenings that have not started yet. */
export async function countUpcomingBookings(db: Db, userId: number, now: Date): Promise<number> {
  const row = await db.selectFrom('bookings as b').innerJoin('screenings as s', 's.id', 'b.screening_id')
    .select(eb => eb.fn.countAll<number>().as('n'))
    .where('b.user_id', '=', userId).where('b.status', '=', 'confirmed').where('s.starts_at', '>', now.toISOString())
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/**
 * Cancels every upcoming confirmed booking of the user (`trx` must be a write transaction):
 * seats freed, counters moved back, and the "booking cancelled" email to `email` in the
 * outbox, as a cancellation by its owner would. Past bookings are history and stay as
 * they are. Returns how many were cancelled.
 */
export async function cancelUpcomingBookings(trx: Db, userId: number, email: string, now: Date, mail?: MailContext, offers?: OfferSettings): Promise<number> {
  const nowIso = now.toISOString()
  // The screenings first, in id order, as every booking change locks them (no deadlocks).
  // So are those where they wait or hold seats, which they leave first.
  let screenings = trx.selectFrom('screenings').select('id').where(eb => eb.or([
    eb('id', 'in', trx.selectFrom('bookings').select('screening_id').where('user_id', '=', userId).where('status', '=', 'confirmed')),
    eb('id', 'in', screeningsWaitedFor(trx, userId)),
  ])).where('starts_at', '>', nowIso).orderBy('id')
  if (isPostgres(trx)) screenings = screenings.forUpdate()
  await screenings.execute()
  await leaveAllWaitlists(trx, userId, now, offers)
  const upcoming = await trx.selectFrom('bookings as b').innerJoin('screenings as s', 's.id', 'b.screening_id')
    .innerJoin('shows as sh', 'sh.id', 's.show_id').innerJoin('venues as v', 'v.id', 's.venue_id')
    .select(['b.id', 'b.reference', 'b.screening_id', 'b.quantity', 'b.total', 'b.seats', 's.starts_at', 'sh.id as show_id', 'sh.name as show_name', 'sh.duration_minutes', 'v.name as venue_name', 'v.place', 'v.timezone'])
    .where('b.user_id', '=', userId).where('b.status', '=', 'confirmed').where('s.starts_at', '>', nowIso)
    .orderBy('b.id').execute()
  for (const b of upcoming) {
    await trx.updateTable('bookings').set({ status: 'cancelled', updated_at: nowIso }).where('id', '=', b.id).execute()
    await trx.deleteFrom('booking_seats').where('booking_id', '=', b.id).execute()
    await trx.updateTable('screenings').set(eb => ({ seats_sold: eb('seats_sold', '-', b.quantity) })).where('id', '=', b.screening_id).execute()
    if (mail) {
      await enqueueEmail(trx, bookingCancelledEmail({
        id: b.id, reference: b.reference, status: 'cancelled', userId, seats: splitSeats(b.seats), quantity: b.quantity, total: b.total,
        startsAt: b.starts_at, durationMinutes: b.duration_minutes, showId: b.show_id, showName: b.show_name, venueName: b.venue_name, place: b.place, timezone: b.timezone,
      }, email, 'account-closed', mail), now)
    }
  }
  // Their seats go to the waiting lists.
  for (const id of new Set(upcoming.map(b => b.screening_id))) await offerFreeSeats(trx, id, now, offers)
  return upcoming.length
}
