import type { Db } from '../../db'
import { writeTransaction } from '../../db/write'
import { loadHall } from '../catalog'
import { enqueueEmail, waitlistOfferEmail } from '../mail'
import type { MailContext } from '../mail'
import { bestSeats, sortSeats } from '#shared/seating'
import { lockScreening, repickOnPostgres, screeningForBooking, takenSeats } from './seats'

// Waiting-list offers (issue 15): whenever seats may have come free at a screening, the
// first people waiting whose request fits, in the order they joined, are offered seats:
// held for them (seat_holds rows marked with their entry) for NUXT_OFFER_MINUTES, with an
// email and a link. Every step runs under the screening's lock, in the transaction that
// freed the seats (a cancel, a change, a move, a hold let go) or in the sweep for what time
// frees (an expired hold or offer), so with any number of instances each offer is made
// once: the second to get the lock finds the seats held and the entry offered. The
// seat_holds primary key (one holder per seat) is the last line of defence.

/** How offers are made: for how long, the email's links, and (filled in) what was offered. */
export interface OfferSettings {
  minutes: number
  ctx: MailContext
  /** the offers made, for the caller to announce once the transaction has committed */
  made?: MadeOffer[]
}

export interface MadeOffer {
  screeningId: number
  entryId: number
  userId: number
  seats: string[]
  expiresAt: string
}

/** Ends the offers that ran out at the screening (lapsed) and removes its expired holds. Returns how many lapsed. */
export async function clearExpired(trx: Db, screeningId: number, now: Date): Promise<number> {
  const nowIso = now.toISOString()
  const lapsed = await trx.updateTable('waitlist_entries').set({ status: 'lapsed', ended_at: nowIso })
    .where('screening_id', '=', screeningId).where('status', '=', 'offered').where('offer_expires_at', '<=', nowIso).executeTakeFirst()
  await trx.deleteFrom('seat_holds').where('screening_id', '=', screeningId).where('expires_at', '<=', nowIso).execute()
  return Number(lapsed.numUpdatedRows)
}

/**
 * Offers the screening's free seats to the people waiting for them, first come first
 * served: each entry in turn whose quantity (of its category) is free gets the best such
 * seats. The caller holds the screening's lock. Without settings (unit tests) it only
 * clears what expired. Returns the offers made.
 */
export async function offerFreeSeats(trx: Db, screeningId: number, now: Date, settings?: OfferSettings): Promise<MadeOffer[]> {
  await clearExpired(trx, screeningId, now)
  if (!settings) return []
  const waiting = await trx.selectFrom('waitlist_entries as w').innerJoin('users as u', 'u.id', 'w.user_id')
    .select(['w.id', 'w.user_id', 'w.quantity', 'w.category', 'u.username', 'u.email'])
    .where('w.screening_id', '=', screeningId).where('w.status', '=', 'waiting').orderBy('w.id').execute()
  if (!waiting.length) return []
  const s = await screeningForBooking(trx, screeningId).where('s.cancelled_at', 'is', null).executeTakeFirst()
  if (!s || new Date(s.starts_at) <= now) return []
  const nowIso = now.toISOString()
  const hall = await loadHall(trx, s.venue_id, s.layout_version)
  const unavailable = await takenSeats(trx, s.id)
  for (const h of await trx.selectFrom('seat_holds').select('seat').where('screening_id', '=', s.id).where('expires_at', '>', nowIso).execute()) unavailable.add(h.seat)
  const expiresAt = new Date(now.getTime() + settings.minutes * 60_000).toISOString()
  const made: MadeOffer[] = []
  for (const e of waiting) {
    // A category the hall no longer has (its layout changed) waits for any seats.
    const category = e.category && hall.layout.categories.some(c => c.id === e.category) ? e.category : undefined
    const found = bestSeats(hall, unavailable, e.quantity, category)
    if (!found) continue
    const seats = sortSeats(found)
    await trx.insertInto('seat_holds').values(seats.map(seat => ({ screening_id: s.id, seat, user_id: e.user_id, expires_at: expiresAt, waitlist_id: e.id }))).execute()
    await trx.updateTable('waitlist_entries').set({ status: 'offered', offered_at: nowIso, offer_expires_at: expiresAt, offered_seats: seats.join(',') })
      .where('id', '=', e.id).execute()
    await enqueueEmail(trx, waitlistOfferEmail({
      entryId: e.id, userId: e.user_id, username: e.username, screeningId: s.id, seats, expiresAt,
      startsAt: s.starts_at, showName: s.show_name, venueName: s.venue_name, place: s.place, timezone: s.timezone,
    }, e.email, settings.ctx), now)
    for (const seat of seats) unavailable.add(seat)
    made.push({ screeningId: s.id, entryId: e.id, userId: e.user_id, seats, expiresAt })
  }
  // On PostgreSQL a booking that read the seats before these holds must pick again (book-pg.ts).
  if (made.length) await repickOnPostgres(trx, s.id)
  settings.made?.push(...made)
  return made
}

/**
 * The user's open entry at the screening ends (`booked`: they booked or moved seats there),
 * its offer's seats let go; then what they did not take goes to the next people waiting.
 */
export async function endOwnEntry(trx: Db, screeningId: number, userId: number, status: 'booked' | 'left', now: Date, settings?: OfferSettings): Promise<boolean> {
  const open = await trx.selectFrom('waitlist_entries').select('id').where('screening_id', '=', screeningId).where('user_id', '=', userId)
    .where('status', 'in', ['waiting', 'offered']).executeTakeFirst()
  return !!open && endEntry(trx, screeningId, open.id, status, now, settings)
}

/**
 * Ends an open entry at the screening (the caller holds its lock): its offer's seats are let
 * go and offered on. False when it had ended already.
 */
export async function endEntry(trx: Db, screeningId: number, entryId: number, status: 'booked' | 'left', now: Date, settings?: OfferSettings): Promise<boolean> {
  const res = await trx.updateTable('waitlist_entries').set({ status, ended_at: now.toISOString() })
    .where('id', '=', entryId).where('status', 'in', ['waiting', 'offered']).executeTakeFirst()
  if (!Number(res.numUpdatedRows)) return false
  await trx.deleteFrom('seat_holds').where('waitlist_id', '=', entryId).execute()
  await offerFreeSeats(trx, screeningId, now, settings)
  return true
}

/** Ends a screening's waiting list (it was cancelled or has started): waiting entries are closed (unserved), open offers lapse. */
export async function closeWaitlist(trx: Db, screeningId: number, now: Date): Promise<number> {
  const nowIso = now.toISOString()
  await trx.updateTable('waitlist_entries').set({ status: 'lapsed', ended_at: nowIso }).where('screening_id', '=', screeningId).where('status', '=', 'offered').execute()
  const closed = await trx.updateTable('waitlist_entries').set({ status: 'closed', ended_at: nowIso }).where('screening_id', '=', screeningId).where('status', '=', 'waiting').executeTakeFirst()
  await trx.deleteFrom('seat_holds').where('screening_id', '=', screeningId).where('waitlist_id', 'is not', null).execute()
  return Number(closed.numUpdatedRows)
}

export interface SweepResult {
  screenings: number
  offered: number
  lapsed: number
  closed: number
}

/**
 * What time frees: for each screening with people waiting or an offer open (or only those
 * of `screeningIds`), offers that ran out lapse and expired holds go, then the free seats
 * are offered on; a screening that started or was cancelled closes its list. One
 * transaction per screening, under its lock. The `waitlist:offers` task runs it every minute.
 */
export async function sweepWaitlists(db: Db, now: Date, settings: OfferSettings, screeningIds?: number[]): Promise<SweepResult> {
  let q = db.selectFrom('waitlist_entries').select('screening_id').distinct().where('status', 'in', ['waiting', 'offered'])
  if (screeningIds) q = q.where('screening_id', 'in', screeningIds.length ? screeningIds : [0])
  const ids = (await q.orderBy('screening_id').execute()).map(r => r.screening_id)
  const result: SweepResult = { screenings: ids.length, offered: 0, lapsed: 0, closed: 0 }
  for (const id of ids) {
    await writeTransaction(db, async (trx) => {
      await lockScreening(trx, id)
      const s = await trx.selectFrom('screenings').select(['starts_at', 'cancelled_at']).where('id', '=', id).executeTakeFirst()
      if (!s) return
      if (s.cancelled_at || new Date(s.starts_at) <= now) {
        result.closed += await closeWaitlist(trx, id, now)
        return
      }
      result.lapsed += await clearExpired(trx, id, now)
      result.offered += (await offerFreeSeats(trx, id, now, settings)).length
    })
  }
  return result
}

/** After a venue's hall grew (or changed): its upcoming screenings' waiting lists are offered what is free now. */
export async function offerAtVenue(db: Db, venueId: number, now: Date, settings: OfferSettings): Promise<SweepResult> {
  const ids = (await db.selectFrom('screenings').select('id').where('venue_id', '=', venueId).where('cancelled_at', 'is', null)
    .where('starts_at', '>', now.toISOString()).execute()).map(r => r.id)
  return sweepWaitlists(db, now, settings, ids)
}
