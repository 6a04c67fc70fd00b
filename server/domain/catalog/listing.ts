import { sql } from 'kysely'
import type { Compilable, ExpressionBuilder, RawBuilder, SelectQueryBuilder } from 'kysely'
import type { Db } from '../../db'
import { isPostgres, readersOf } from '../../db'
import { ReadersUnavailable } from '../../db/readers'
import type { ReadQuery } from '../../db/readers'
import type { Database, ShowRow } from '../../db/schema'
import type { ShowListQuery } from '#shared/schemas/catalog'
import type { Page, ShowListItem } from '#shared/types/api'
import { toShow } from './shows'
import { refreshStartedShowtimes } from './showtimes'
import { containsText } from './text'

// The public catalogue: which shows match, in what order, one page at a time with a total.

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

/** SQLite: the shows whose name or description contains the text, from the trigram FTS index (3+ characters). */
function textIndexMatches(db: Db, text: string | undefined) {
  if (!text || isPostgres(db) || [...text].length < 3) return undefined
  return sql<number>`(select rowid from shows_search where shows_search match ${`"${text.replace(/"/g, '""')}"`})`
}

/**
 * The text (unless the index serves it: PostgreSQL's trigram indexes serve this LIKE), tag
 * and minimum rating asked for, as conditions on the `shows` row.
 */
function whereShow<Q extends SelectQueryBuilder<Database, 'shows', object>>(q: Q, query: ShowListQuery, textIndexed: boolean): Q {
  let s = q
  if (query.q && !textIndexed) {
    const text = query.q
    s = s.where(eb => eb.or([containsText('shows.name', text), containsText('shows.description', text)])) as Q
  }
  if (query.tag) {
    const tag = query.tag
    s = s.where(eb => eb.exists(eb.selectFrom('show_tags as t').select(sql`1`.as('one')).whereRef('t.show_id', '=', 'shows.id').where('t.tag', '=', tag))) as Q
  }
  if (query.minRating !== undefined) s = s.where('shows.rating', '>=', query.minRating) as Q
  return s
}

interface Listed { id: number, next_at: string | null }

/** The matching shows in the listing's order, as one query, a page of it with the total, and its count. */
interface MatchList {
  /** every match: its id and, when the listing is by showtime, its next showtime (sort key, and when it stops matching as is) */
  all: Compilable<Listed>
  /** by showtime: one listed show's next_at, as the list has it (its first is the earliest) */
  nextOf?: (id: unknown) => Compilable<{ next_at: string | null }>
  page: (limit: number, offset: number) => { execute: () => Promise<(Listed & { total_matches: number })[]> }
  count: () => { executeTakeFirstOrThrow: () => Promise<{ n: number }> }
}

function matchList<DB, TB extends keyof DB>(db: Db, list: SelectQueryBuilder<DB, TB, Listed>, nextOf?: MatchList['nextOf']): MatchList {
  return {
    all: list,
    nextOf,
    // The total rides along with the page (a window count over the same matches), so the
    // filters run once; only a page past the end needs a count of its own.
    page: (limit, offset) => list.select(sql<number>`count(*) over ()`.as('total_matches')).$castTo<Listed & { total_matches: number }>().limit(limit).offset(offset),
    count: () => db.selectFrom(list.clearOrderBy().as('m')).select(sql<number>`count(*)`.as('n')),
  }
}

/**
 * The shows that match: by their next showtime (their own, or in that city or on that day
 * when asked), or for an admin asking for all, newest first.
 */
function matchingShows(db: Db, query: ShowListQuery, filter: ShowFilter, all: boolean): MatchList {
  const indexed = textIndexMatches(db, query.q)
  if (query.city || query.date) {
    if (all) {
      let q = db.selectFrom('shows').where('shows.id', 'in', whereScreening(db.selectFrom('screenings as s'), filter).select('s.show_id'))
      if (indexed) q = q.where('shows.id', 'in', indexed)
      return matchList(db, whereShow(q, query, Boolean(indexed)).select(['shows.id', sql<string | null>`null`.as('next_at')])
        .orderBy('shows.created_at', 'desc').orderBy('shows.id', 'desc'))
    }
    // Straight from the screenings of that place or day, each show's earliest. On SQLite the
    // show conditions are tested on each screening (`+`: not used to look screenings up show
    // by show): a common word matches thousands of shows, ten screenings each, where a city
    // has a few tens of thousands of screenings, read from its venues' index.
    const showId = isPostgres(db) ? sql.ref<number>('s.show_id') : sql<number>`+${sql.ref('s.show_id')}`
    let q = whereScreening(db.selectFrom('screenings as s'), filter)
    if (indexed) q = q.where(showId, 'in', indexed)
    if ((query.q && !indexed) || query.tag || query.minRating !== undefined)
      q = q.where(showId, 'in', whereShow(db.selectFrom('shows'), query, Boolean(indexed)).select('shows.id'))
    const earliest = (eb: ExpressionBuilder<Database & { s: Database['screenings'] }, 's'>) => eb.fn.min<string>('s.starts_at').as('next_at')
    return matchList(db, q.select(['s.show_id as id', earliest]).groupBy('s.show_id').orderBy('next_at').orderBy('s.show_id'),
      id => whereScreening(db.selectFrom('screenings as s'), filter).where('s.show_id', '=', id as number).select(earliest))
  }
  let q = db.selectFrom('shows')
  if (!all) q = q.where('shows.next_starts_at', '>', filter.upcomingFrom!)
  if (indexed) q = q.where('shows.id', 'in', indexed)
  q = whereShow(q, query, Boolean(indexed))
  return all
    ? matchList(db, q.select(['shows.id', sql<string | null>`null`.as('next_at')]).orderBy('shows.created_at', 'desc').orderBy('shows.id', 'desc'))
    : matchList(db, q.select(['shows.id', 'shows.next_starts_at as next_at']).orderBy('next_at').orderBy('shows.id'),
        id => db.selectFrom('shows').select('shows.next_starts_at as next_at').where('shows.id', '=', id as number))
}

type Ids = number[] | RawBuilder<number>

/** The page's shows, each with its next showtime (in that city or on that day when asked) and that screening's venue. */
function pageRows(db: Db, ids: Ids, nextFilter: ShowFilter) {
  const shows = db.selectFrom('shows').selectAll('shows').where('shows.id', 'in', ids)
  const rows = nextFilter.city || nextFilter.date
    ? shows.select(eb => matchingScreenings(eb, nextFilter).select('s.id').orderBy('s.starts_at').orderBy('s.id').limit(1).as('next_id'))
    : shows.select('shows.next_screening_id as next_id')
  return db.selectFrom(rows.as('p'))
    .leftJoin('screenings as n', 'n.id', 'p.next_id')
    .leftJoin('venues as v', 'v.id', 'n.venue_id')
    .selectAll('p')
    .select(['n.id as n_id', 'n.starts_at as n_starts_at', 'v.id as v_id', 'v.name as v_name', 'v.place as v_place', 'v.timezone as v_timezone'])
}

type PageRow = ShowRow & { n_id: number | null, n_starts_at: string | null, v_id: number | null, v_name: string | null, v_place: string | null, v_timezone: string | null }

function pageTags(db: Db, ids: Ids) {
  return db.selectFrom('show_tags').select(['show_id', 'tag']).where('show_id', 'in', ids).orderBy('tag')
}

/** The page's items in the order of `ids`. */
function pageItems(ids: number[], rows: PageRow[], tagRows: { show_id: number, tag: string }[]): ShowListItem[] {
  const tags = new Map<number, string[]>(ids.map(id => [id, []]))
  for (const t of tagRows) tags.get(t.show_id)?.push(t.tag)
  const byId = new Map(rows.map(r => [r.id, r]))
  return ids.flatMap((id) => {
    const r = byId.get(id)
    if (!r) return []
    const nextScreening = r.n_id === null
      ? null
      : { id: r.n_id, startsAt: r.n_starts_at!, venue: { id: r.v_id!, name: r.v_name!, place: r.v_place!, timezone: r.v_timezone! } }
    return [{ ...toShow(r, tags.get(id)!), nextScreening }]
  })
}

/** Stands in for the page's ids in a query the reader threads run: they pass them as JSON. */
const PAGE_IDS = Object.freeze({ pageIds: true })
const pageIdsJson = sql<number>`(select value from json_each(${PAGE_IDS}))`
/** Stands in for the list's first id. */
const FIRST_ID = Object.freeze({ firstId: true })

function toRead(q: Compilable<unknown>): ReadQuery {
  const { sql: text, parameters } = q.compile()
  const read: ReadQuery = { sql: text, parameters: parameters.map(p => (p === PAGE_IDS || p === FIRST_ID ? null : p)) }
  if (parameters.includes(PAGE_IDS)) read.ids = parameters.indexOf(PAGE_IDS)
  if (parameters.includes(FIRST_ID)) read.first = parameters.indexOf(FIRST_ID)
  return read
}

/**
 * Shows matching text (name or description, any case), tag, city, date (in the venue's
 * timezone) and minimum rating; only shows with an upcoming screening unless an admin asks
 * for all. Ordered by next showtime (admins asking for all: newest first), with a total.
 *
 * On a SQLite file with reader threads (db/readers.ts) the public listing is read there: the
 * thread that keeps a listing's ordered ids (until anything is written or its first showtime
 * starts) answers its next pages and total without reading the matches again.
 */
export async function listShows(db: Db, query: ShowListQuery, opts: { isAdmin?: boolean, now?: Date } = {}): Promise<Page<ShowListItem>> {
  const now = opts.now ?? new Date()
  const nowIso = now.toISOString()
  const all = Boolean(query.all && opts.isAdmin)
  const filter: ShowFilter = { city: query.city, date: query.date, upcomingFrom: all ? undefined : nowIso }
  // Each show's next screening is kept on its row; move on those that have started.
  if (!query.city && !query.date) await refreshStartedShowtimes(db, now)
  const matches = matchingShows(db, query, filter, all)
  // The next showtime shown: in that city or on that day when asked, otherwise the show's own.
  const nextFilter: ShowFilter = { ...filter, upcomingFrom: nowIso }
  const { page, pageSize } = query
  const offset = (page - 1) * pageSize

  const readers = all ? undefined : readersOf(db)
  if (readers) {
    try {
      const listed = await readers.listing({
        key: `shows:${JSON.stringify([query.q, query.tag, query.city, query.date, query.minRating])}`,
        list: toRead(matches.all),
        until: matches.nextOf && toRead(matches.nextOf(FIRST_ID)),
        now: nowIso,
        offset,
        limit: pageSize,
        page: [toRead(pageRows(db, pageIdsJson, nextFilter)), toRead(pageTags(db, pageIdsJson))],
      })
      const [rows, tagRows] = listed.results as [PageRow[], { show_id: number, tag: string }[]]
      return { items: pageItems(listed.ids, rows, tagRows), total: listed.total, page, pageSize }
    }
    catch (err) {
      if (!(err instanceof ReadersUnavailable)) throw err
    }
  }

  const listed = await matches.page(pageSize, offset).execute()
  const total = listed.length
    ? Number(listed[0]!.total_matches)
    : page === 1 ? 0 : Number((await matches.count().executeTakeFirstOrThrow()).n)
  const ids = listed.map(r => r.id)
  if (!ids.length) return { items: [], total, page, pageSize }
  const [rows, tagRows] = await Promise.all([pageRows(db, ids, nextFilter).execute(), pageTags(db, ids).execute()])
  return { items: pageItems(ids, rows, tagRows), total, page, pageSize }
}
