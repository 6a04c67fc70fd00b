import type { Db } from '../../db'
import type { SearchResult } from '#shared/types/api'
import { listShows } from './listing'
import { listVenues } from './venues'

/** The header search: the top upcoming shows and venues matching the text. */
export async function search(db: Db, q: string, now = new Date()): Promise<SearchResult> {
  if (!q) return { shows: [], venues: [] }
  const [shows, venues] = await Promise.all([
    listShows(db, { q, page: 1, pageSize: 5 }, { now }),
    listVenues(db, { q, page: 1, pageSize: 5 }),
  ])
  return { shows: shows.items, venues: venues.items }
}
