import { sql } from 'kysely'
import type { Db } from '../../db'
import { isPostgres } from '../../db'
import type { VenueRow } from '../../db/schema'
import { compileHall, rectangleLayout } from '#shared/layout'
import type { Hall, HallLayout } from '#shared/layout'
import type { VenueCreateInput, VenuePatchInput } from '#shared/schemas/catalog'
import type { Page, Venue, VenueDetail } from '#shared/types/api'
import { Conflict, Invalid, NotFound } from '../errors'
import { lockShows, refreshShowtimes } from './showtimes'
import { localDate } from '#shared/format'
import { deleteScreeningsOf } from './screenings'
import { containsText } from './text'
import { hallOf } from './halls'

/** The API shape of a venue. */
function toVenue(row: VenueRow): Venue {
  const { id, name, place, capacity, timezone } = row
  return { id, name, place, capacity, seatsPerRow: row.seats_per_row, timezone, createdAt: row.created_at }
}

/** A venue with its hall's layout: what one venue's answer holds (a list leaves the layout out). */
function toVenueDetail(row: VenueRow): VenueDetail {
  return { ...toVenue(row), layout: hallOf(row).layout }
}

/** A sensible row length for a venue created without one: rows of about 20, never wider than the venue. */
export function defaultSeatsPerRow(capacity: number): number {
  return Math.min(capacity, capacity <= 60 ? 10 : 20)
}

/** Venues by name, newest first, filtered by text (name or place) and city. */
export async function listVenues(db: Db, opts: { q?: string, city?: string, page: number, pageSize: number }): Promise<Page<Venue>> {
  let q = db.selectFrom('venues')
  if (opts.q) {
    const text = opts.q
    q = q.where(eb => eb.or([containsText('name', text), containsText('place', text)]))
  }
  if (opts.city) q = q.where(sql`lower(place)`, '=', opts.city.toLowerCase())
  const [rows, count] = await Promise.all([
    q.selectAll().orderBy('name').orderBy('id').limit(opts.pageSize).offset((opts.page - 1) * opts.pageSize).execute(),
    q.select(eb => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ])
  return { items: rows.map(toVenue), total: Number(count.n), page: opts.page, pageSize: opts.pageSize }
}

/**
 * The cities that have venues, alphabetically, each once: the city filter ignores case, so
 * "Pune" and "pune" are one city (shown in one of the spellings in use).
 */
export async function listCities(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('venues').select(eb => eb.fn.min('place').as('place'))
    .groupBy(sql`lower(place)`).orderBy(sql`lower(place)`).execute()
  return rows.map(r => r.place)
}

const noSuchVenue = () => new NotFound('No such venue')

/** One venue with its hall's layout; NotFound when there is none. */
export async function getVenue(db: Db, id: number): Promise<VenueDetail> {
  const row = await db.selectFrom('venues').selectAll().where('id', '=', id).executeTakeFirst()
  if (!row) throw noSuchVenue()
  return toVenueDetail(row)
}

/** Creates a venue; its seats follow from capacity and seats per row. */
export async function createVenue(db: Db, input: VenueCreateInput, defaultTimezone: string, now = new Date()): Promise<VenueDetail> {
  const seatsPerRow = input.seatsPerRow ?? defaultSeatsPerRow(input.capacity)
  if (seatsPerRow > input.capacity) throw new Invalid('A row cannot have more seats than the venue', 'seatsPerRow')
  const row = await db.insertInto('venues').values({
    name: input.name,
    place: input.place,
    capacity: input.capacity,
    seats_per_row: seatsPerRow,
    timezone: input.timezone ?? defaultTimezone,
    created_at: now.toISOString(),
  }).returningAll().executeTakeFirstOrThrow()
  return toVenueDetail(row)
}

/**
 * Changes a venue. A new layout must still hold every seat sold for an upcoming screening
 * (Conflict otherwise); upcoming screenings follow the new capacity and timezone.
 */
export async function updateVenue(db: Db, id: number, patch: VenuePatchInput, now = new Date()): Promise<VenueDetail> {
  return db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom('venues').selectAll().where('id', '=', id).executeTakeFirst()
    if (!current) throw noSuchVenue()
    const capacity = patch.capacity ?? current.capacity
    const seatsPerRow = patch.seatsPerRow ?? (patch.capacity !== undefined && patch.seatsPerRow === undefined ? Math.min(current.seats_per_row, capacity) : current.seats_per_row)
    if (seatsPerRow > capacity) throw new Invalid('A row cannot have more seats than the venue', 'seatsPerRow')
    const nowIso = now.toISOString()

    const layoutChanged = capacity !== current.capacity || seatsPerRow !== current.seats_per_row
    if (layoutChanged) await assertKeepsSoldSeats(trx, id, compileHall(rectangleLayout(capacity, seatsPerRow)), nowIso)

    const row = await trx.updateTable('venues').set({
      name: patch.name ?? current.name,
      place: patch.place ?? current.place,
      capacity,
      seats_per_row: seatsPerRow,
      timezone: patch.timezone ?? current.timezone,
      // New numbers make a new rectangle of Standard seats; a drawn layout is kept otherwise.
      ...(layoutChanged ? { layout: null, layout_version: current.layout_version + 1 } : {}),
    }).where('id', '=', id).returningAll().executeTakeFirstOrThrow()

    if (layoutChanged) {
      await trx.updateTable('screenings').set(eb => ({ capacity, seats_version: eb('seats_version', '+', 1) }))
        .where('venue_id', '=', id).where('starts_at', '>', nowIso).execute()
    }
    if (row.timezone !== current.timezone) {
      const upcoming = await trx.selectFrom('screenings').select(['id', 'starts_at'])
        .where('venue_id', '=', id).where('starts_at', '>', nowIso).execute()
      for (const s of upcoming)
        await trx.updateTable('screenings').set({ local_date: localDate(s.starts_at, row.timezone) }).where('id', '=', s.id).execute()
    }
    return toVenueDetail(row)
  })
}

/**
 * Refuses (Conflict) a new hall that would lose a seat already sold for an upcoming
 * screening at the venue. Locks those screenings first, so no booking slips in between
 * this check and the change.
 */
async function assertKeepsSoldSeats(trx: Db, venueId: number, hall: Hall, nowIso: string): Promise<void> {
  let upcoming = trx.selectFrom('screenings').select(['id', 'seats_sold'])
    .where('venue_id', '=', venueId).where('starts_at', '>', nowIso).where('cancelled_at', 'is', null).orderBy('id')
  if (isPostgres(trx)) upcoming = upcoming.forUpdate()
  const screenings = await upcoming.execute()
  const fullest = Math.max(0, ...screenings.map(s => s.seats_sold))
  if (fullest > hall.capacity) throw new Conflict(`An upcoming screening already has ${fullest} seats sold; the hall cannot have fewer seats than that`, { seatsSold: fullest })
  const sold = screenings.length
    ? await trx.selectFrom('booking_seats').select('seat').distinct()
        .where('screening_id', 'in', screenings.map(s => s.id)).execute()
    : []
  const lost = sold.map(s => s.seat).filter(seat => !hall.seats.has(seat)).sort()
  if (lost.length) throw new Conflict(`Seats already sold for upcoming screenings would disappear: ${lost.slice(0, 5).join(', ')}${lost.length > 5 ? '…' : ''}`, { seats: lost })
}

/**
 * Gives a venue a hall as drawn (PUT /api/venues/{id}/layout): its capacity becomes the
 * number of seats, its seats per row the longest row's. Conflict when a seat sold for an
 * upcoming screening would disappear; a sold seat that moves to another category keeps the
 * price it was sold at. Upcoming screenings follow the new capacity.
 */
export async function setVenueLayout(db: Db, id: number, layout: HallLayout, now = new Date()): Promise<VenueDetail> {
  return db.transaction().execute(async (trx) => {
    let q = trx.selectFrom('venues').selectAll().where('id', '=', id)
    if (isPostgres(trx)) q = q.forUpdate()
    const current = await q.executeTakeFirst()
    if (!current) throw noSuchVenue()
    const hall = compileHall(layout)
    const nowIso = now.toISOString()
    await assertKeepsSoldSeats(trx, id, hall, nowIso)
    const row = await trx.updateTable('venues').set({
      layout: JSON.stringify(layout),
      layout_version: current.layout_version + 1,
      capacity: hall.capacity,
      seats_per_row: hall.seatsPerRow,
    }).where('id', '=', id).returningAll().executeTakeFirstOrThrow()
    // seats_version moves too: a PostgreSQL booking that picked its seats in the old hall
    // finds its claim refused and picks again (book-pg.ts).
    await trx.updateTable('screenings').set(eb => ({ capacity: hall.capacity, seats_version: eb('seats_version', '+', 1) }))
      .where('venue_id', '=', id).where('starts_at', '>', nowIso).execute()
    return toVenueDetail(row)
  })
}

/**
 * Deletes a venue with its screenings. Refused (Conflict) while any confirmed booking exists
 * for one of its screenings, past or upcoming: a booking is never lost.
 */
export async function deleteVenue(db: Db, id: number, now = new Date()): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const venue = await trx.selectFrom('venues').select('id').where('id', '=', id).executeTakeFirst()
    if (!venue) throw noSuchVenue()
    const shows = await trx.selectFrom('screenings').select('show_id').distinct().where('venue_id', '=', id).execute()
    await lockShows(trx, shows.map(s => s.show_id))
    await deleteScreeningsOf(trx, { venue: id })
    await trx.deleteFrom('venues').where('id', '=', id).execute()
    await refreshShowtimes(trx, shows.map(s => s.show_id), now)
  })
}
