import type { Db } from '../db'
import { isPostgres } from '../db'
import { seatRows } from '#shared/seats'
import type { ScreeningCreateInput, ScreeningPatchInput } from '#shared/schemas/catalog'
import type { Page, Screening, ScreeningDetail } from '#shared/types/api'
import { bookingCancelledEmail } from './emails'
import type { MailContext } from './emails'
import { badRequest, conflict } from './http-errors'
import { enqueueEmail } from './mail'
import { posterUrls } from './shows'
import { lockShows, refreshShowtimes } from './showtimes'
import { localDate, venueDateTime } from '#shared/format'

/** Minutes a venue needs between the end of one screening and the start of the next. */
export const TURNOVER_MINUTES = 15

const MINUTE = 60_000

function screeningQuery(db: Db) {
  return db.selectFrom('screenings as s')
    .innerJoin('shows as sh', 'sh.id', 's.show_id')
    .innerJoin('venues as v', 'v.id', 's.venue_id')
    .select([
      's.id', 's.starts_at', 's.ends_at', 's.price', 's.capacity', 's.seats_sold', 's.cancelled_at',
      'sh.id as show_id', 'sh.name as show_name', 'sh.poster_key', 'sh.duration_minutes',
      'v.id as venue_id', 'v.name as venue_name', 'v.place', 'v.timezone', 'v.seats_per_row',
    ])
}

type ScreeningJoinRow = Awaited<ReturnType<ReturnType<typeof screeningQuery>['executeTakeFirstOrThrow']>>

function toScreening(r: ScreeningJoinRow): Screening {
  return {
    id: r.id,
    startsAt: r.starts_at,
    // When the show ends; the stored ends_at adds the venue's turnover on top.
    endsAt: new Date(Date.parse(r.starts_at) + r.duration_minutes * MINUTE).toISOString(),
    price: r.price,
    capacity: r.capacity,
    seatsLeft: r.capacity - r.seats_sold,
    show: { id: r.show_id, name: r.show_name, posterUrl: posterUrls(r.poster_key).posterUrl, durationMinutes: r.duration_minutes },
    venue: { id: r.venue_id, name: r.venue_name, place: r.place, timezone: r.timezone, seatsPerRow: r.seats_per_row },
  }
}

/** One screening (not cancelled), or undefined. */
export async function getScreening(db: Db, id: number): Promise<Screening | undefined> {
  const row = await screeningQuery(db).where('s.id', '=', id).where('s.cancelled_at', 'is', null).executeTakeFirst()
  return row && toScreening(row)
}

/** A screening with its whole seat map, each seat marked taken or free. */
export async function getScreeningDetail(db: Db, id: number): Promise<ScreeningDetail | undefined> {
  const screening = await getScreening(db, id)
  if (!screening) return undefined
  const taken = new Set((await db.selectFrom('booking_seats').select('seat').where('screening_id', '=', id).execute()).map(r => r.seat))
  const seats = seatRows(screening.capacity, screening.venue.seatsPerRow)
    .flatMap(row => row.seats.map(label => ({ label, taken: taken.has(label) })))
  return { ...screening, seats }
}

/** Screenings (not cancelled) for admin tables, soonest first. */
export async function listScreenings(db: Db, opts: { showId?: number, venueId?: number, from?: string, to?: string, page: number, pageSize: number }): Promise<Page<Screening>> {
  let q = screeningQuery(db).where('s.cancelled_at', 'is', null)
  if (opts.showId) q = q.where('s.show_id', '=', opts.showId)
  if (opts.venueId) q = q.where('s.venue_id', '=', opts.venueId)
  if (opts.from) q = q.where('s.starts_at', '>=', new Date(opts.from).toISOString())
  if (opts.to) q = q.where('s.starts_at', '<', new Date(opts.to).toISOString())
  const [rows, count] = await Promise.all([
    q.orderBy('s.starts_at').orderBy('s.id').limit(opts.pageSize).offset((opts.page - 1) * opts.pageSize).execute(),
    q.clearSelect().select(eb => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ])
  return { items: rows.map(toScreening), total: Number(count.n), page: opts.page, pageSize: opts.pageSize }
}

type Trx = Parameters<Parameters<ReturnType<Db['transaction']>['execute']>[0]>[0]

/** Refuses (409) a slot that overlaps another screening at the venue, turnover included. */
async function assertVenueFree(trx: Trx, venueId: number, startsAt: string, endsAt: string, exceptId?: number) {
  let q = trx.selectFrom('screenings as s').innerJoin('shows as sh', 'sh.id', 's.show_id')
    .innerJoin('venues as v', 'v.id', 's.venue_id')
    .select(['s.id', 's.starts_at', 'sh.name', 'v.timezone'])
    .where('s.venue_id', '=', venueId).where('s.cancelled_at', 'is', null)
    .where('s.starts_at', '<', endsAt).where('s.ends_at', '>', startsAt)
  if (exceptId) q = q.where('s.id', '!=', exceptId)
  const clash = await q.orderBy('s.starts_at').executeTakeFirst()
  if (clash)
    throw conflict(`The venue is busy then: ${clash.name} starts at ${venueDateTime(clash.starts_at, clash.timezone)} (${clash.timezone}) (screenings need ${TURNOVER_MINUTES} minutes between them)`, { conflictingScreeningId: clash.id })
}

/**
 * Follows a show's new duration in its upcoming screenings (not those that have started):
 * each must still end, turnover included, before the next screening at its venue starts
 * (409 otherwise). Runs inside the transaction that changes the show.
 */
export async function retimeScreenings(trx: Trx, showId: number, durationMinutes: number, now: Date): Promise<void> {
  const upcoming = await trx.selectFrom('screenings').select(['id', 'venue_id', 'starts_at'])
    .where('show_id', '=', showId).where('cancelled_at', 'is', null).where('starts_at', '>', now.toISOString())
    .orderBy('starts_at').orderBy('id').execute()
  if (!upcoming.length) return
  // The venue rows are the locks that serialise scheduling at each venue.
  if (isPostgres(trx)) {
    await trx.selectFrom('venues').select('id').where('id', 'in', [...new Set(upcoming.map(s => s.venue_id))])
      .orderBy('id').forUpdate().execute()
  }
  for (const s of upcoming) {
    const endsAt = endOf(new Date(s.starts_at), durationMinutes).toISOString()
    try {
      await assertVenueFree(trx, s.venue_id, s.starts_at, endsAt, s.id)
    }
    catch (err) {
      const data = (err as { data?: Record<string, unknown> }).data
      throw conflict(`At ${durationMinutes} minutes the screening at ${s.starts_at} would run into the next one at its venue (screenings need ${TURNOVER_MINUTES} minutes between them)`, { ...data, screeningId: s.id })
    }
    await trx.updateTable('screenings').set({ ends_at: endsAt }).where('id', '=', s.id).execute()
  }
}

/** When a screening of this length starting then leaves the venue free again. */
export function endOf(startsAt: Date, durationMinutes: number): Date {
  return new Date(startsAt.getTime() + (durationMinutes + TURNOVER_MINUTES) * MINUTE)
}

/**
 * Schedules a show at a venue. It must start in the future (400) and not overlap another
 * screening there, counting the show's duration plus turnover (409). The price defaults to
 * the show's ticket price; the capacity is the venue's.
 */
export async function createScreening(db: Db, input: ScreeningCreateInput, now = new Date()): Promise<Screening> {
  const startsAt = new Date(input.startsAt)
  if (startsAt <= now) throw badRequest('A screening must start in the future', 'startsAt')
  const id = await db.transaction().execute(async (trx) => {
    await lockShows(trx, [input.showId])
    // The venue row is the lock that serialises scheduling at one venue.
    let venueQ = trx.selectFrom('venues').selectAll().where('id', '=', input.venueId)
    if (isPostgres(db)) venueQ = venueQ.forUpdate()
    const venue = await venueQ.executeTakeFirst()
    if (!venue) throw badRequest('No such venue', 'venueId')
    const show = await trx.selectFrom('shows').selectAll().where('id', '=', input.showId).executeTakeFirst()
    if (!show) throw badRequest('No such show', 'showId')
    const endsAt = endOf(startsAt, show.duration_minutes)
    await assertVenueFree(trx, venue.id, startsAt.toISOString(), endsAt.toISOString())
    const row = await trx.insertInto('screenings').values({
      show_id: show.id,
      venue_id: venue.id,
      starts_at: startsAt.toISOString(),
      ends_at: endsAt.toISOString(),
      local_date: localDate(startsAt, venue.timezone),
      price: input.price ?? show.ticket_price,
      capacity: venue.capacity,
    }).returning('id').executeTakeFirstOrThrow()
    await refreshShowtimes(trx, [show.id], now)
    return row.id
  })
  return (await getScreening(db, id))!
}

/** Moves or reprices a screening that has not started; the same rules as creating one. */
export async function updateScreening(db: Db, id: number, patch: ScreeningPatchInput, now = new Date()): Promise<Screening | undefined> {
  const found = await db.transaction().execute(async (trx) => {
    const found = await trx.selectFrom('screenings').select('show_id').where('id', '=', id).executeTakeFirst()
    if (!found) return false
    await lockShows(trx, [found.show_id])
    const current = await trx.selectFrom('screenings').selectAll().where('id', '=', id).where('cancelled_at', 'is', null).executeTakeFirst()
    if (!current) return false
    if (new Date(current.starts_at) <= now) throw badRequest('This screening has already started and can no longer be changed')
    const changes: { price?: number, starts_at?: string, ends_at?: string, local_date?: string } = {}
    if (patch.price !== undefined) changes.price = patch.price
    if (patch.startsAt !== undefined) {
      const startsAt = new Date(patch.startsAt)
      if (startsAt <= now) throw badRequest('A screening must start in the future', 'startsAt')
      let venueQ = trx.selectFrom('venues').selectAll().where('id', '=', current.venue_id)
      if (isPostgres(db)) venueQ = venueQ.forUpdate()
      const venue = await venueQ.executeTakeFirstOrThrow()
      const show = await trx.selectFrom('shows').select('duration_minutes').where('id', '=', current.show_id).executeTakeFirstOrThrow()
      const endsAt = endOf(startsAt, show.duration_minutes)
      await assertVenueFree(trx, venue.id, startsAt.toISOString(), endsAt.toISOString(), id)
      Object.assign(changes, { starts_at: startsAt.toISOString(), ends_at: endsAt.toISOString(), local_date: localDate(startsAt, venue.timezone) })
    }
    await trx.updateTable('screenings').set(changes).where('id', '=', id).execute()
    if (changes.starts_at) await refreshShowtimes(trx, [current.show_id], now)
    return true
  })
  return found ? getScreening(db, id) : undefined
}

export interface CancelledBooking {
  id: number
  userId: number
  reference: string
}

/**
 * Removes a screening. Without bookings it is deleted; with bookings, every confirmed one
 * is cancelled (its seats freed) and the screening is kept, marked cancelled, so the
 * bookings' history stays. Returns the bookings it cancelled. Given `mail`, each owner's
 * "screening cancelled" email goes into the outbox in the same transaction.
 */
export async function cancelScreening(db: Db, id: number, now = new Date(), mail?: MailContext): Promise<CancelledBooking[] | undefined> {
  return db.transaction().execute(async (trx) => {
    const found = await trx.selectFrom('screenings').select('show_id').where('id', '=', id).executeTakeFirst()
    if (!found) return undefined
    await lockShows(trx, [found.show_id])
    let q = trx.selectFrom('screenings').select(['id', 'show_id', 'starts_at']).where('id', '=', id).where('cancelled_at', 'is', null)
    if (isPostgres(db)) q = q.forUpdate()
    const screening = await q.executeTakeFirst()
    if (!screening) return undefined
    const bookings = await trx.selectFrom('bookings as b').innerJoin('users as u', 'u.id', 'b.user_id')
      .select(['b.id', 'b.user_id', 'b.reference', 'b.status', 'b.seats', 'b.quantity', 'b.total', 'u.email'])
      .where('b.screening_id', '=', id).execute()
    // A screening that has taken place keeps its bookings: they are history, not refunds.
    if (bookings.length && new Date(screening.starts_at) <= now) throw conflict('This screening has already started; its bookings are kept')
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
    await refreshShowtimes(trx, [screening.show_id], now)
    if (mail && confirmed.length) {
      const s = await trx.selectFrom('screenings as s').innerJoin('shows as sh', 'sh.id', 's.show_id').innerJoin('venues as v', 'v.id', 's.venue_id')
        .select(['s.starts_at', 'sh.id as show_id', 'sh.name as show_name', 'sh.duration_minutes', 'v.name as venue_name', 'v.place', 'v.timezone'])
        .where('s.id', '=', id).executeTakeFirstOrThrow()
      for (const b of confirmed) {
        await enqueueEmail(trx, bookingCancelledEmail({
          id: b.id, reference: b.reference, status: 'cancelled', userId: b.user_id, seats: b.seats ? b.seats.split(',') : [],
          quantity: b.quantity, total: b.total, startsAt: s.starts_at, durationMinutes: s.duration_minutes,
          showId: s.show_id, showName: s.show_name, venueName: s.venue_name, place: s.place, timezone: s.timezone,
        }, b.email, 'screening-cancelled', mail), now)
      }
    }
    return confirmed.map(b => ({ id: b.id, userId: b.user_id, reference: b.reference }))
  })
}

/** How many confirmed bookings and seats a screening holds (to warn an admin before cancelling). */
export async function screeningBookingCount(db: Db, id: number): Promise<{ bookings: number, seats: number }> {
  const row = await db.selectFrom('bookings').select([eb => eb.fn.countAll<number>().as('n'), eb => eb.fn.sum<number>('quantity').as('seats')])
    .where('screening_id', '=', id).where('status', '=', 'confirmed').executeTakeFirstOrThrow()
  return { bookings: Number(row.n), seats: Number(row.seats ?? 0) }
}
