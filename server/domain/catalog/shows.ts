import { sql } from 'kysely'
import type { ExpressionBuilder, SelectQueryBuilder } from 'kysely'
import type { Db } from '../../db'
import { isPostgres } from '../../db'
import type { Database, ShowRow } from '../../db/schema'
import type { ShowCreateInput, ShowListQuery, ShowPatchInput } from '#shared/schemas/catalog'
import type { Page, Show, ShowDetail, ShowListItem, VenueRef } from '#shared/types/api'
import { NotFound } from '../errors'
import { posterUrls } from './posters'
import { deleteScreeningsOf, retimeScreenings } from './screenings'
import { refreshStartedShowtimes } from './showtimes'
import { containsText } from './text'

const DEFAULT_DURATION_MINUTES = 120

/** The API shape of a show. */
function toShow(row: ShowRow, tags: string[]): Show {
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

type ShowFilter = Pick<ShowListQuery, 'city' | 'date'> & { upcomingFrom?: string }

/** Narrows a query on `screenings as s` to the filter: not cancelled, upcoming, that day, in that city. */
function whereScreening<Q extends SelectQueryBuilder<Database & { s: Database['screenings'] }, 's', object>>(q: Q, f: ShowFilter): Q {
  let s = q.where('s.cancelled_at', 'is', null)
  if (f.upcomingFrom) s = s.where('s.starts_at', '>', f.upcomingFrom)
  if (f.date) s = s.where('s.local_date', '=', f.date)
  if (f.city) {
    // The city's venues, found once by the subquery, then an indexed IN on venue_id.
    const city = f.city.toLowerCase()
    s = s.where('s.venue_id', 'in', eb => eb.selectFrom('venues').select('venues.id').where(sql`lower(venues.place)`, '=', city))
  }
  return s as Q
}

/** The screenings of the outer `shows` row that pass the filter (correlated: for per-show values). */
function matchingScreenings(eb: ExpressionBuilder<Database, 'shows'>, f: ShowFilter) {
  return whereScreening(eb.selectFrom('screenings as s').whereRef('s.show_id', '=', 'shows.id'), f)
}

/**
 * Shows matching text (name or description, any case), tag, city, date (in the venue's
 * timezone) and minimum rating; only shows with an upcoming screening unless an admin asks
 * for all. Ordered by next showtime (admins asking for all: newest first), with a total.
 */
export async function listShows(db: Db, query: ShowListQuery, opts: { isAdmin?: boolean, now?: Date } = {}): Promise<Page<ShowListItem>> {
  const now = opts.now ?? new Date()
  const nowIso = now.toISOString()
  const all = Boolean(query.all && opts.isAdmin)
  const filter: ShowFilter = { city: query.city, date: query.date, upcomingFrom: all ? undefined : nowIso }
  const byPlaceOrDay = Boolean(query.city || query.date)

  let q = db.selectFrom('shows')
  if (byPlaceOrDay) {
    // The matching screenings are few and indexed: find their shows once.
    q = q.where('shows.id', 'in', whereScreening(db.selectFrom('screenings as s'), filter).select('s.show_id'))
  }
  else {
    // Each show's next screening is kept on its row; move on those that have started.
    await refreshStartedShowtimes(db, now)
    if (!all) q = q.where('shows.next_starts_at', '>', nowIso)
  }
  if (query.q) {
    const text = query.q
    // SQLite: the trigram FTS index (3+ characters); PostgreSQL's trigram indexes serve LIKE.
    q = !isPostgres(db) && [...text].length >= 3
      ? q.where('shows.id', 'in', sql<number>`(select rowid from shows_search where shows_search match ${`"${text.replace(/"/g, '""')}"`})`)
      : q.where(eb => eb.or([containsText('shows.name', text), containsText('shows.description', text)]))
  }
  if (query.tag) {
    const tag = query.tag
    q = q.where(eb => eb.exists(eb.selectFrom('show_tags as t').select(sql`1`.as('one')).whereRef('t.show_id', '=', 'shows.id').where('t.tag', '=', tag)))
  }
  if (query.minRating !== undefined) q = q.where('shows.rating', '>=', query.minRating)

  // The next showtime: in that city or on that day when asked, otherwise the show's own.
  const nextFilter: ShowFilter = { ...filter, upcomingFrom: nowIso }
  const rowsQuery = byPlaceOrDay
    ? q.selectAll('shows')
        .select(eb => matchingScreenings(eb, nextFilter).select(eb2 => eb2.fn.min('s.starts_at').as('n')).as('next_at'))
        .select(eb => matchingScreenings(eb, nextFilter).select('s.id').orderBy('s.starts_at').orderBy('s.id').limit(1).as('next_id'))
    : q.selectAll('shows').select(['shows.next_starts_at as next_at', 'shows.next_screening_id as next_id'])
  const ordered = all
    ? rowsQuery.orderBy('shows.created_at', 'desc').orderBy('shows.id', 'desc')
    : rowsQuery.orderBy('next_at').orderBy('shows.id')

  // The total rides along with the page (a window count over the same matches), so the
  // filters run once; only a page past the end needs a count of its own.
  const rows = await ordered.select(eb => eb.fn.countAll<number>().over().as('total_matches'))
    .limit(query.pageSize).offset((query.page - 1) * query.pageSize).execute()
  const total = rows.length
    ? Number(rows[0]!.total_matches)
    : query.page === 1 ? 0 : Number((await q.select(eb => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
  const ids = rows.map(r => r.id)
  const [tags, next] = await Promise.all([tagsOf(db, ids), nextScreenings(db, rows)])
  const items = rows.map(r => ({ ...toShow(r, tags.get(r.id)!), nextScreening: next.get(r.id) ?? null }))
  return { items, total, page: query.page, pageSize: query.pageSize }
}

async function nextScreenings(db: Db, rows: { id: number, next_id: number | null }[]) {
  const map = new Map<number, { id: number, startsAt: string, venue: VenueRef }>()
  const ids = rows.map(r => r.next_id).filter((id): id is number => id !== null)
  if (!ids.length) return map
  const found = await db.selectFrom('screenings as s').innerJoin('venues as v', 'v.id', 's.venue_id')
    .select(['s.id', 's.show_id', 's.starts_at', 'v.id as venue_id', 'v.name as venue_name', 'v.place', 'v.timezone'])
    .where('s.id', 'in', ids)
    .execute()
  for (const s of found)
    map.set(s.show_id, { id: s.id, startsAt: s.starts_at, venue: { id: s.venue_id, name: s.venue_name, place: s.place, timezone: s.timezone } })
  return map
}

/** A show with its upcoming screenings (soonest first) and seats left in each; NotFound when there is none. */
export async function getShowDetail(db: Db, id: number, now = new Date()): Promise<ShowDetail> {
  const show = await getShow(db, id)
  const rows = await db.selectFrom('screenings as s').innerJoin('venues as v', 'v.id', 's.venue_id')
    .select(['s.id', 's.starts_at', 's.price', 's.capacity', 's.seats_sold', 'v.id as venue_id', 'v.name as venue_name', 'v.place', 'v.timezone'])
    .where('s.show_id', '=', id).where('s.starts_at', '>', now.toISOString()).where('s.cancelled_at', 'is', null)
    .orderBy('s.starts_at').orderBy('s.id').limit(500).execute()
  return {
    ...show,
    screenings: rows.map(s => ({
      id: s.id,
      startsAt: s.starts_at,
      price: s.price,
      seatsLeft: s.capacity - s.seats_sold,
      venue: { id: s.venue_id, name: s.venue_name, place: s.place, timezone: s.timezone },
    })),
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
