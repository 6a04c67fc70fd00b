import type { Db } from '../../db'
import type { ShowRow } from '../../db/schema'
import type { ShowCreateInput, ShowPatchInput } from '#shared/schemas/catalog'
import type { Show, ShowDetail } from '#shared/types/api'
import { NotFound } from '../errors'
import { posterUrls } from './posters'
import { deleteScreeningsOf, retimeScreenings } from './screenings'
import { availabilityOf, loadHalls, priceRange } from './halls'

const DEFAULT_DURATION_MINUTES = 120

/** The API shape of a show. */
export function toShow(row: ShowRow, tags: string[]): Show {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    rating: row.rating === null ? null : Math.round(row.rating * 10) / 10,
    tags,
    ticketPrice: row.ticket_price,
    durationMinutes: row.duration_minutes,
    ...posterUrls(row.poster_key),
    createdAt: row.created_at,
  }
}

/** Trimmed, lower-case, unique tags in the order given. */
export function normaliseTags(tags: string[]): string[] {
  return [...new Set(tags.map(t => t.trim().toLowerCase()).filter(Boolean))]
}

async function tagsOf(db: Db, showIds: number[]): Promise<Map<number, string[]>> {
  const map = new Map<number, string[]>(showIds.map(id => [id, []]))
  if (!showIds.length) return map
  const rows = await db.selectFrom('show_tags').select(['show_id', 'tag']).where('show_id', 'in', showIds).orderBy('tag').execute()
  for (const r of rows) map.get(r.show_id)!.push(r.tag)
  return map
}

/** Every tag in use, with how many shows carry it, most used first. */
export async function listTags(db: Db): Promise<{ tag: string, count: number }[]> {
  const rows = await db.selectFrom('show_tags').select(['tag', eb => eb.fn.countAll<number>().as('n')])
    .groupBy('tag').orderBy('n', 'desc').orderBy('tag').limit(100).execute()
  return rows.map(r => ({ tag: r.tag, count: Number(r.n) }))
}

const noSuchShow = () => new NotFound('No such show')

/** One show; NotFound when there is none. */
export async function getShow(db: Db, id: number): Promise<Show> {
  const row = await db.selectFrom('shows').selectAll().where('id', '=', id).executeTakeFirst()
  if (!row) throw noSuchShow()
  return toShow(row, (await tagsOf(db, [id])).get(id)!)
}

/**
 * A show with its upcoming screenings (soonest first), each with its seats left, how full it
 * is and its price range across the venue's seat categories; NotFound when there is none.
 */
export async function getShowDetail(db: Db, id: number, now = new Date()): Promise<ShowDetail> {
  const show = await getShow(db, id)
  const rows = await db.selectFrom('screenings as s').innerJoin('venues as v', 'v.id', 's.venue_id')
    .select(['s.id', 's.starts_at', 's.price', 's.prices', 's.capacity', 's.seats_sold', 'v.id as venue_id', 'v.name as venue_name', 'v.place', 'v.timezone', 'v.layout_version'])
    .where('s.show_id', '=', id).where('s.starts_at', '>', now.toISOString()).where('s.cancelled_at', 'is', null)
    .orderBy('s.starts_at').orderBy('s.id').limit(500).execute()
  // The halls are compiled once per process and layout version: no query per screening.
  const halls = await loadHalls(db, rows.map(s => ({ id: s.venue_id, version: s.layout_version })))
  return {
    ...show,
    screenings: rows.map((s) => {
      const seatsLeft = s.capacity - s.seats_sold
      return {
        id: s.id,
        startsAt: s.starts_at,
        price: s.price,
        priceRange: priceRange(halls.get(s.venue_id)!, s.price, s.prices),
        seatsLeft,
        availability: availabilityOf(seatsLeft, s.capacity),
        venue: { id: s.venue_id, name: s.venue_name, place: s.place, timezone: s.timezone },
      }
    }),
  }
}

/** Creates a show with its normalised tags. */
export async function createShow(db: Db, input: ShowCreateInput, now = new Date()): Promise<Show> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.insertInto('shows').values({
      name: input.name,
      description: input.description ?? '',
      rating: input.rating ?? null,
      duration_minutes: input.durationMinutes ?? DEFAULT_DURATION_MINUTES,
      ticket_price: input.ticketPrice,
      poster_key: null,
      created_at: now.toISOString(),
    }).returningAll().executeTakeFirstOrThrow()
    const tags = normaliseTags(input.tags ?? [])
    if (tags.length) await trx.insertInto('show_tags').values(tags.map(tag => ({ show_id: row.id, tag }))).execute()
    return toShow(row, [...tags].sort())
  })
}

/**
 * Changes a show; tags, when given, replace the old ones. A new duration moves the end of
 * its upcoming screenings, and is refused (Conflict) when one would then overlap the next
 * screening at its venue.
 */
export async function updateShow(db: Db, id: number, patch: ShowPatchInput, now = new Date()): Promise<Show> {
  await db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom('shows').selectAll().where('id', '=', id).executeTakeFirst()
    if (!current) throw noSuchShow()
    await trx.updateTable('shows').set({
      name: patch.name ?? current.name,
      description: patch.description ?? current.description,
      rating: patch.rating === undefined ? current.rating : patch.rating,
      duration_minutes: patch.durationMinutes ?? current.duration_minutes,
      ticket_price: patch.ticketPrice ?? current.ticket_price,
    }).where('id', '=', id).execute()
    if (patch.durationMinutes !== undefined && patch.durationMinutes !== current.duration_minutes)
      await retimeScreenings(trx, id, patch.durationMinutes, now)
    if (patch.tags) {
      await trx.deleteFrom('show_tags').where('show_id', '=', id).execute()
      const tags = normaliseTags(patch.tags)
      if (tags.length) await trx.insertInto('show_tags').values(tags.map(tag => ({ show_id: id, tag }))).execute()
    }
  })
  return getShow(db, id)
}

/** Points a show at a new poster; returns the old key (to delete its files). NotFound when no such show. */
export async function setPosterKey(db: Db, id: number, key: string): Promise<{ old: string | null }> {
  const current = await db.selectFrom('shows').select('poster_key').where('id', '=', id).executeTakeFirst()
  if (!current) throw noSuchShow()
  await db.updateTable('shows').set({ poster_key: key }).where('id', '=', id).execute()
  return { old: current.poster_key }
}

/**
 * Deletes a show with its screenings and tags. Refused (Conflict) while any confirmed booking
 * exists for one of its screenings: a booking is never lost. Returns the poster key to clean up.
 */
export async function deleteShow(db: Db, id: number): Promise<{ posterKey: string | null }> {
  return db.transaction().execute(async (trx) => {
    const show = await trx.selectFrom('shows').select('poster_key').where('id', '=', id).executeTakeFirst()
    if (!show) throw noSuchShow()
    await deleteScreeningsOf(trx, { show: id })
    await trx.deleteFrom('shows').where('id', '=', id).execute()
    return { posterKey: show.poster_key }
  })
}
