import { LRUCache } from 'lru-cache'
import { NotFound } from '../domain/errors'
import { getShowDetail, listCities, listShows, listTags, listVenues, search } from '../domain/catalog'
import type { ShowListQuery } from '#shared/schemas/catalog'

// Public catalogue reads are cached briefly in Nitro storage ('cache': in process by
// default, Redis when NUXT_REDIS_URL is set, so every instance shares it). Every admin
// write bumps a generation number that is part of each key, so a change shows at once;
// otherwise seat counts are at most MAX_AGE seconds stale (and a second more, below).
// Nothing that depends on who asks is cached here.
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

// Over the shared cache, a second's copy of each answer in this process: reading the shared
// copy parses its JSON every time, which was most of a cached listing's cost. The key holds
// the generation, so an admin change is seen at once here too; a failed read is not kept.
// Concurrent reads of the same key share one promise. Callers only return what they get,
// unchanged: each answer is marked shared, so its JSON is compressed once (shared-answer.ts).
const local = new LRUCache<string, Promise<unknown>>({ max: 1000, ttl: 1000 })
function kept<T>(key: string, load: () => Promise<T>): Promise<T> {
  const hit = local.get(key)
  if (hit) return hit as Promise<T>
  const value = load().then(markShared)
  local.set(key, value)
  value.catch(() => {
    if (local.get(key) === value) local.delete(key)
  })
  return value
}

export async function publicShows(query: ShowListQuery) {
  const gen = await generation()
  return kept(`shows:${gen}:${JSON.stringify(query)}`, () => cachedShows(gen, query))
}
/** A show with its upcoming screenings, as anyone sees it; NotFound when there is none. */
export async function publicShow(id: number) {
  const gen = await generation()
  const show = await kept(`show:${gen}:${id}`, () => cachedShow(gen, id))
  if (!show) throw new NotFound('No such show')
  return show
}
export async function publicSearch(q: string) {
  const gen = await generation()
  return kept(`search:${gen}:${q.toLowerCase()}`, () => cachedSearch(gen, q))
}
export async function publicVenues(query: { q?: string, city?: string, page: number, pageSize: number }) {
  const gen = await generation()
  return kept(`venues:${gen}:${JSON.stringify(query)}`, () => cachedVenues(gen, query))
}
export async function publicFilters() {
  const gen = await generation()
  return kept(`filters:${gen}`, () => cachedFilters(gen))
}
