import type { Db } from '../../db'
import { isPostgres } from '../../db'
import type { Hall } from '#shared/layout'
import type { ScreeningCreateInput, ScreeningPatchInput } from '#shared/schemas/catalog'
import type { Page, Screening, ScreeningDetail, Seat } from '#shared/types/api'
import { Conflict, Invalid, NotFound } from '../errors'
import { posterUrls } from './posters'
import { lockShows, refreshShowtimes } from './showtimes'
import { localDate, venueDateTime } from '#shared/format'
import { availabilityOf, categoryPrices, hallOf, loadHall, loadHalls, priceRange } from './halls'

/** Minutes a venue needs between the end of one screening and the start of the next. */
export const TURNOVER_MINUTES = 15

const MINUTE = 60_000

function screeningQuery(db: Db) {
  return db.selectFrom('screenings as s')
    .innerJoin('shows as sh', 'sh.id', 's.show_id')
    .innerJoin('venues as v', 'v.id', 's.venue_id')
    .select([
      's.id', 's.starts_at', 's.ends_at', 's.price', 's.prices', 's.capacity', 's.seats_sold', 's.cancelled_at',
      'sh.id as show_id', 'sh.name as show_name', 'sh.poster_key', 'sh.duration_minutes',
      'v.id as venue_id', 'v.name as venue_name', 'v.place', 'v.timezone', 'v.seats_per_row', 'v.layout_version',
    ])
}

type ScreeningJoinRow = Awaited<ReturnType<ReturnType<typeof screeningQuery>['executeTakeFirstOrThrow']>>

/** The API shape of a screening, with the price range across the categories of its venue's hall. */
function toScreening(r: ScreeningJoinRow, hall: Hall): Screening {
  const seatsLeft = r.capacity - r.seats_sold
  return {
    id: r.id,
    startsAt: r.starts_at,
    // When the show ends; the stored ends_at adds the venue's turnover on top.
    endsAt: new Date(Date.parse(r.starts_at) + r.duration_minutes * MINUTE).toISOString(),
    price: r.price,
    prices: r.prices ? JSON.parse(r.prices) as Record<string, number> : {},
    priceRange: priceRange(hall, r.price, r.prices),
    capacity: r.capacity,
    seatsLeft,
    availability: availabilityOf(seatsLeft, r.capacity),
    show: { id: r.show_id, name: r.show_name, posterUrl: posterUrls(r.poster_key).posterUrl, durationMinutes: r.duration_minutes },
    venue: { id: r.venue_id, name: r.venue_name, place: r.place, timezone: r.timezone, seatsPerRow: r.seats_per_row },
  }
}

const noSuchScreening = () => new NotFound('No such screening')

/** One screening (not cancelled); NotFound for an unknown or cancelled one. */
export async function getScreening(db: Db, id: number): Promise<Screening> {
  const row = await screeningQuery(db).where('s.id', '=', id).where('s.cancelled_at', 'is', null).executeTakeFirst()
  if (!row) throw noSuchScreening()
  return toScreening(row, await loadHall(db, row.venue_id, row.layout_version))
}

/**
 * A screening with its whole seat map: its categories with their prices and seats left, and
 * its rows with their aisles, each seat taken (booked), held (being chosen by someone) or free.
 */
export async function getScreeningDetail(db: Db, id: number, now = new Date()): Promise<ScreeningDetail> {
  const row = await screeningQuery(db).where('s.id', '=', id).where('s.cancelled_at', 'is', null).executeTakeFirst()
  if (!row) throw noSuchScreening()
  const [hall, booked, held] = await Promise.all([
    loadHall(db, row.venue_id, row.layout_version),
    db.selectFrom('booking_seats').select('seat').where('screening_id', '=', id).execute(),
    db.selectFrom('seat_holds').select('seat').where('screening_id', '=', id).where('expires_at', '>', now.toISOString()).execute(),
  ])
  return { ...toScreening(row, hall), ...seatMap(hall, categoryPrices(hall, row.price, row.prices), new Set(booked.map(r => r.seat)), new Set(held.map(r => r.seat))) }
}

/** The categories, rows and seats of a screening's map. */
export function seatMap(hall: Hall, prices: Record<string, number>, taken: ReadonlySet<string>, held: ReadonlySet<string>): Pick<ScreeningDetail, 'categories' | 'rows' | 'seats'> {
  const seats: Seat[] = []
  const left = new Map(hall.layout.categories.map(c => [c.id, 0]))
  const rows = hall.layout.rows.map((r, i) => {
    const bySeat = hall.rows[i]!
    let k = 0
    return {
      label: r.label,
      places: r.places.map((p) => {
        if ('gap' in p) return { gap: true as const }
        const h = bySeat[k++]!
        const seat: Seat = { label: h.label, category: h.category, taken: taken.has(h.label), held: !taken.has(h.label) && held.has(h.label) }
        if (h.access) seat.access = h.access
        if (!seat.taken && !seat.held) left.set(h.category, (left.get(h.category) ?? 0) + 1)
        seats.push(seat)
        return seat
      }),
    }
  })
  const categories = hall.layout.categories.map(c => ({ id: c.id, name: c.name, price: prices[c.id]!, seatsLeft: left.get(c.id) ?? 0 }))
  return { categories, rows, seats }
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
  const halls = await loadHalls(db, rows.map(r => ({ id: r.venue_id, version: r.layout_version })))
  return { items: rows.map(r => toScreening(r, halls.get(r.venue_id)!)), total: Number(count.n), page: opts.page, pageSize: opts.pageSize }
}

/** Invalid (on `prices`) when a price names a category the venue's hall does not have. */
function assertPricesFit(hall: Hall, prices: Record<string, number>) {
  const unknown = Object.keys(prices).filter(id => !hall.layout.categories.some(c => c.id === id))
  if (unknown.length) throw new Invalid(`The hall has no seat category ${unknown.map(u => `"${u}"`).join(', ')} (it has ${hall.layout.categories.map(c => c.id).join(', ')})`, 'prices')
}

/** Refuses (Conflict) a slot that overlaps another screening at the venue, turnover included. */
async function assertVenueFree(trx: Db, venueId: number, startsAt: string, endsAt: string, exceptId?: number) {
  let q = trx.selectFrom('screenings as s').innerJoin('shows as sh', 'sh.id', 's.show_id')
    .innerJoin('venues as v', 'v.id', 's.venue_id')
    .select(['s.id', 's.starts_at', 'sh.name', 'v.timezone'])
    .where('s.venue_id', '=', venueId).where('s.cancelled_at', 'is', null)
    .where('s.starts_at', '<', endsAt).where('s.ends_at', '>', startsAt)
  if (exceptId) q = q.where('s.id', '!=', exceptId)
  const clash = await q.orderBy('s.starts_at').executeTakeFirst()
  if (clash)
    throw new Conflict(`The venue is busy then: ${clash.name} starts at ${venueDateTime(clash.starts_at, clash.timezone)} (${clash.timezone}) (screenings need ${TURNOVER_MINUTES} minutes between them)`, { conflictingScreeningId: clash.id })
}

/**
 * Follows a show's new duration in its upcoming screenings (not those that have started):
 * each must still end, turnover included, before the next screening at its venue starts
 * (Conflict otherwise). Runs inside the transaction that changes the show.
 */
export async function retimeScreenings(trx: Db, showId: number, durationMinutes: number, now: Date): Promise<void> {
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
      if (!(err instanceof Conflict)) throw err
      throw new Conflict(`At ${durationMinutes} minutes the screening at ${s.starts_at} would run into the next one at its venue (screenings need ${TURNOVER_MINUTES} minutes between them)`, { ...err.data, screeningId: s.id })
    }
    await trx.updateTable('screenings').set({ ends_at: endsAt }).where('id', '=', s.id).execute()
  }
}

/** When a screening of this length starting then leaves the venue free again. */
function endOf(startsAt: Date, durationMinutes: number): Date {
  return new Date(startsAt.getTime() + (durationMinutes + TURNOVER_MINUTES) * MINUTE)
}

/**
 * Schedules a show at a venue. It must start in the future (Invalid) and not overlap another
 * screening there, counting the show's duration plus turnover (Conflict). The price defaults to
 * the show's ticket price; the capacity is the venue's.
 */
export async function createScreening(db: Db, input: ScreeningCreateInput, now = new Date()): Promise<Screening> {
  const startsAt = new Date(input.startsAt)
  if (startsAt <= now) throw new Invalid('A screening must start in the future', 'startsAt')
  const id = await db.transaction().execute(async (trx) => {
    await lockShows(trx, [input.showId])
    // The venue row is the lock that serialises scheduling at one venue.
    let venueQ = trx.selectFrom('venues').selectAll().where('id', '=', input.venueId)
    if (isPostgres(db)) venueQ = venueQ.forUpdate()
    const venue = await venueQ.executeTakeFirst()
    if (!venue) throw new Invalid('No such venue', 'venueId')
    const show = await trx.selectFrom('shows').selectAll().where('id', '=', input.showId).executeTakeFirst()
    if (!show) throw new Invalid('No such show', 'showId')
    const endsAt = endOf(startsAt, show.duration_minutes)
    await assertVenueFree(trx, venue.id, startsAt.toISOString(), endsAt.toISOString())
    if (input.prices) assertPricesFit(hallOf(venue), input.prices)
    const row = await trx.insertInto('screenings').values({
      show_id: show.id,
      venue_id: venue.id,
      starts_at: startsAt.toISOString(),
      ends_at: endsAt.toISOString(),
      local_date: localDate(startsAt, venue.timezone),
      price: input.price ?? show.ticket_price,
      prices: input.prices && Object.keys(input.prices).length ? JSON.stringify(input.prices) : null,
      capacity: venue.capacity,
    }).returning('id').executeTakeFirstOrThrow()
    await refreshShowtimes(trx, [show.id], now)
    return row.id
  })
  return getScreening(db, id)
}

/** Moves or reprices a screening that has not started; the same rules as creating one. */
export async function updateScreening(db: Db, id: number, patch: ScreeningPatchInput, now = new Date()): Promise<Screening> {
  await db.transaction().execute(async (trx) => {
    const found = await trx.selectFrom('screenings').select('show_id').where('id', '=', id).executeTakeFirst()
    if (!found) throw noSuchScreening()
    await lockShows(trx, [found.show_id])
    const current = await trx.selectFrom('screenings').selectAll().where('id', '=', id).where('cancelled_at', 'is', null).executeTakeFirst()
    if (!current) throw noSuchScreening()
    if (new Date(current.starts_at) <= now) throw new Invalid('This screening has already started and can no longer be changed')
    const changes: { price?: number, prices?: string | null, starts_at?: string, ends_at?: string, local_date?: string } = {}
    if (patch.price !== undefined) changes.price = patch.price
    if (patch.prices !== undefined) {
      const venue = await trx.selectFrom('venues').selectAll().where('id', '=', current.venue_id).executeTakeFirstOrThrow()
      assertPricesFit(hallOf(venue), patch.prices)
      // The prices given replace those set before; a booking keeps the prices it was sold at.
      changes.prices = Object.keys(patch.prices).length ? JSON.stringify(patch.prices) : null
    }
    if (patch.startsAt !== undefined) {
      const startsAt = new Date(patch.startsAt)
      if (startsAt <= now) throw new Invalid('A screening must start in the future', 'startsAt')
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
  })
  return getScreening(db, id)
}

/**
 * Deletes every screening of a show or of a venue, with their cancelled bookings, inside
 * the transaction that deletes the show or venue. Refused (Conflict) while any of them has
 * a confirmed booking, past or upcoming: a booking is never lost.
 */
export async function deleteScreeningsOf(trx: Db, owner: { show: number } | { venue: number }): Promise<void> {
  const [column, id, what] = 'show' in owner ? ['show_id', owner.show, 'show'] as const : ['venue_id', owner.venue, 'venue'] as const
  const screeningIds = trx.selectFrom('screenings').select('id').where(column, '=', id)
  const booked = await trx.selectFrom('bookings').select(eb => eb.fn.countAll<number>().as('n'))
    .where('screening_id', 'in', screeningIds).where('status', '=', 'confirmed').executeTakeFirstOrThrow()
  const n = Number(booked.n)
  if (n > 0) throw new Conflict(`This ${what} has ${n} confirmed booking${n === 1 ? '' : 's'}, which are kept; it cannot be deleted while it has any`, { bookings: n })
  await trx.deleteFrom('bookings').where('screening_id', 'in', screeningIds).execute()
  await trx.deleteFrom('screenings').where(column, '=', id).execute()
}
