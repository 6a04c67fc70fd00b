import type { Db } from '../../db'
import { isPostgres } from '../../db'
import { lockShows, refreshShowtimes } from '../catalog'
import { Conflict, NotFound } from '../errors'
import { bookingCancelledEmail, enqueueEmail } from '../mail'
import type { MailContext } from '../mail'
import { closeWaitlist } from './offers'
import { splitSeats } from './queries'

export interface CancelledBooking {
  id: number
  userId: number
  reference: string
}

/**
 * Removes a screening. Without bookings it is deleted; with bookings, every confirmed one
 * is cancelled (its seats freed) and the screening is kept, marked cancelled, so the
 * bookings' history stays. Returns the bookings it cancelled. Given `mail`, each owner's
 * "screening cancelled" email goes into the outbox in the same transaction. NotFound for
 * an unknown screening or one cancelled already; Conflict once it has started.
 */
export async function cancelScreening(db: Db, id: number, now = new Date(), mail?: MailContext): Promise<CancelledBooking[]> {
  return db.transaction().execute(async (trx) => {
    const found = await trx.selectFrom('screenings').select('show_id').where('id', '=', id).executeTakeFirst()
    if (!found) throw new NotFound('No such screening')
    await lockShows(trx, [found.show_id])
    let q = trx.selectFrom('screenings').select(['id', 'show_id', 'starts_at']).where('id', '=', id).where('cancelled_at', 'is', null)
    if (isPostgres(db)) q = q.forUpdate()
    const screening = await q.executeTakeFirst()
    if (!screening) throw new NotFound('No such screening')
    const bookings = await trx.selectFrom('bookings as b').innerJoin('users as u', 'u.id', 'b.user_id')
      .select(['b.id', 'b.user_id', 'b.reference', 'b.status', 'b.seats', 'b.quantity', 'b.total', 'u.email'])
      .where('b.screening_id', '=', id).execute()
    // A screening that has taken place keeps its bookings: they are history, not refunds.
    if (bookings.length && new Date(screening.starts_at) <= now) throw new Conflict('This screening has already started; its bookings are kept')
    if (!bookings.length) {
      await trx.deleteFrom('screenings').where('id', '=', id).execute()
      await refreshShowtimes(trx, [screening.show_id], now)
      return []
    }
    const confirmed = bookings.filter(b => b.status === 'confirmed')
    const nowIso = now.toISOString()
    if (confirmed.length) {
      await trx.updateTable('bookings').set({ status: 'cancelled', updated_at: nowIso })
        .where('id', 'in', confirmed.map(b => b.id)).execute()
    }
    await trx.deleteFrom('booking_seats').where('screening_id', '=', id).execute()
    await trx.updateTable('screenings').set({ cancelled_at: nowIso, seats_sold: 0 }).where('id', '=', id).execute()
    await closeWaitlist(trx, id, now)
    await refreshShowtimes(trx, [screening.show_id], now)
    if (mail && confirmed.length) {
      const s = await trx.selectFrom('screenings as s').innerJoin('shows as sh', 'sh.id', 's.show_id').innerJoin('venues as v', 'v.id', 's.venue_id')
        .select(['s.starts_at', 'sh.id as show_id', 'sh.name as show_name', 'sh.duration_minutes', 'v.name as venue_name', 'v.place', 'v.timezone'])
        .where('s.id', '=', id).executeTakeFirstOrThrow()
      for (const b of confirmed) {
        await enqueueEmail(trx, bookingCancelledEmail({
          id: b.id, reference: b.reference, status: 'cancelled', userId: b.user_id, seats: splitSeats(b.seats),
          quantity: b.quantity, total: b.total, startsAt: s.starts_at, durationMinutes: s.duration_minutes,
          showId: s.show_id, showName: s.show_name, venueName: s.venue_name, place: s.place, timezone: s.timezone,
        }, b.email, 'screening-cancelled', mail), now)
      }
    }
    return confirmed.map(b => ({ id: b.id, userId: b.user_id, reference: b.reference }))
  })
}
