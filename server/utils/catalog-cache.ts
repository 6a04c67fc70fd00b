import { NotFound } from '../domain/errors'
import { getShowDetail, listCities, listShows, listTags, listVenues, search } from '../domain/catalog'
import type { ShowListQuery } from '#shared/schemas/catalog'

// Public catalogue reads are cached briefly in Nitro storage ('cache': in process by
// default, Redis when NUXT_REDIS_URL is set, so every instance shares it). Every admin
// write bumps a generation number that is part of each key, so a change shows at once;
// otherwise seat counts are at most MAX_AGE seconds stale. Nothing that depends on who
// asks is cached here.
const MAX_AGE = 5
const GENERATION_KEY = 'catalog:generation'

async function generation(): Promise<string> {
  return String(await useStorage('cache').getItem<string | number>(GENERATION_KEY) ?? '0')
}

/** Call after any admin change to venues, shows or screenings: the API's answers and the cached pages go. */
export async function invalidateCatalog(): Promise<void> {
  // The public pages (utils/page-cache.ts); then a new generation for the API's.
  await invalidatePages()
  await useStorage('cache').setItem(GENERATION_KEY, `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`)
}

const options = { maxAge: MAX_AGE, swr: false, group: 'catalog' }

const cachedShows = defineCachedFunction((_gen: string, query: ShowListQuery) => listShows(useDb(), query), {
  ...options, name: 'shows', getKey: (gen, query) => `${gen}:${JSON.stringify(query)}`,
})
// An unknown show is cached as null too, so asking for it again and again costs no query.
const cachedShow = defineCachedFunction((_gen: string, id: number) => getShowDetail(useDb(), id).catch((err) => {
  if (err instanceof NotFound) return null
  throw err
}), {
  ...options, name: 'show', getKey: (gen, id) => `${gen}:${id}`,
})
const cachedSearch = defineCachedFunction((_gen: string, q: string) => search(useDb(), q), {
  ...options, name: 'search', getKey: (gen, q) => `${gen}:${q.toLowerCase()}`,
})
const cachedVenues = defineCachedFunction((_gen: string, query: { q?: string, city?: string, page: number, pageSize: number }) => listVenues(useDb(), query), {
  ...options, name: 'venues', getKey: (gen, query) => `${gen}:${JSON.stringify(query)}`,
})
const cachedFilters = defineCachedFunction(async (_gen: string) => ({ cities: await listCities(useDb()), tags: await listTags(useDb()) }), {
  ...options, maxAge: 60, name: 'filters', getKey: gen => gen,
})

export const publicShows = async (query: ShowListQuery) => cachedShows(await generation(), query)
/** A show with its upcoming screenings, as anyone sees it; NotFound when there is none. */
export async function publicShow(id: number) {
  const show = await cachedShow(await generation(), id)
  if (!show) throw new NotFound('No such show')
  return show
}
export const publicSearch = async (q: string) => cachedSearch(await generation(), q)
export const publicVenues = async (query: { q?: string, city?: string, page: number, pageSize: number }) => cachedVenues(await generation(), query)
export const publicFilters = async () => cachedFilters(await generation())
