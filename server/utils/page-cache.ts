import { createHash } from 'node:crypto'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import type { H3Event } from 'h3'
import { LRUCache } from 'lru-cache'

// The public pages' cache: each page is rendered once for everybody (anonymously), its
// gzip and brotli bodies made once, and served from memory for PAGE_MAX_AGE seconds. With
// Redis, rendered pages are shared there too, so an instance renders what another has not;
// each instance then keeps a page in its memory for at most SHARED_FRESH_MS, so a page is
// never more than PAGE_MAX_AGE + 1 s old, and an admin's change reaches every instance
// within a second.
//
// Not Nitro's route-rule cache: Nuxt 4.4 then stores each cached page's payload under its
// URL, and unstorage refuses the home page's key "/" (https://github.com/nuxt/nuxt/issues/34961),
// so the home page answered 500. Nor unstorage for the copy in memory: it keeps values as
// JSON, and parsing a page's 120 KB on every hit cost more than the rest of the request.
// Pages are keyed by the query parameters a page reads (others, such as utm_source, share
// the page), and the personal flows are never cached.

/** Seat counts on a cached page are never more than this many seconds old. */
export const PAGE_MAX_AGE = 5
const SHARED_FRESH_MS = 1000

const PAGE = /^\/(?:(?:shows|venues|screenings)\/[1-9]\d{0,9})?$/
/** The query parameters each page reads (the home page's filters); the rest are not part of the key. */
const PAGE_PARAMS: Record<string, string[]> = { '/': ['q', 'city', 'date', 'tag', 'minRating', 'page'] }
/** A visit with these is someone's own (seats they chose before logging in, a booking being changed): never cached. */
const PERSONAL_PARAMS = ['seats', 'change', 'move']
/** Headers of the render that are not the page's own (each answer has its own request id). */
const NOT_KEPT = new Set(['set-cookie', 'x-request-id', 'date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding', 'content-encoding', 'vary'])

export interface CachedPage {
  headers: Record<string, string>
  body: Buffer
  gzip: Buffer
  br: Buffer
  /** when it was rendered (ms) */
  at: number
  /** the response headers for each encoding, worked out once (sendPage) */
  heads: Record<Encoding, Record<string, string | number>>
}

type Encoding = 'br' | 'gzip' | 'identity'

/** As Redis keeps it: JSON, bodies in base64. */
interface StoredPage {
  headers: Record<string, string>
  body: string
  gzip: string
  br: string
  at: number
}

/**
 * The cache key of a request for a public page: its path and the parameters the page
 * reads, in a fixed order; null when the request is not for one, or is a personal one.
 */
export function pageKey(path: string, query?: URLSearchParams): string | null {
  if (!PAGE.test(path)) return null
  if (!query?.size) return path
  if (PERSONAL_PARAMS.some(p => query.has(p))) return null
  const read = PAGE_PARAMS[path] ?? []
  const kept = new URLSearchParams([...query].filter(([name]) => read.includes(name)).sort(([a], [b]) => a.localeCompare(b)))
  return kept.size ? `${path}?${kept}` : path
}

// At most 2,000 pages or 64 MB, the least recently used going first. A page that is not
// cacheable (an error page) is remembered as null, so asking again costs no render.
const memory = new LRUCache<string, { page: CachedPage | null, kept: number }>({
  max: 2000,
  maxSize: 64 * 1024 * 1024,
  sizeCalculation: ({ page }) => page ? page.body.length + page.gzip.length + page.br.length + 1024 : 64,
})
const rendering = new Map<string, Promise<CachedPage | null>>()

const sharedKey = (key: string) => `pages:${createHash('sha256').update(key).digest('base64url')}`

async function render(key: string): Promise<CachedPage | null> {
  // An internal request with no cookie and no Authorization: the page as a visitor sees it.
  // Who is asking is filled in by the browser after hydration.
  const res = await useNitroApp().localFetch(key, { headers: { accept: 'text/html' } })
  if (res.status !== 200 || !(res.headers.get('content-type') ?? '').startsWith('text/html')) return null
  const body = Buffer.from(await res.text())
  const headers: Record<string, string> = {}
  res.headers.forEach((value, name) => {
    if (!NOT_KEPT.has(name)) headers[name] = value
  })
  return withHeads({
    headers,
    body,
    gzip: gzipSync(body, { level: 6 }),
    br: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
    at: Date.now(),
  })
}

function withHeads(page: Omit<CachedPage, 'heads'>): CachedPage {
  const head = (encoding: Encoding, body: Buffer) => ({
    ...page.headers,
    'Vary': 'Accept-Encoding',
    ...(encoding !== 'identity' && { 'Content-Encoding': encoding }),
    'Content-Length': body.length,
  })
  return { ...page, heads: { br: head('br', page.br), gzip: head('gzip', page.gzip), identity: head('identity', page.body) } }
}

/** Sends a cached page as the browser accepts it: brotli, gzip or as it is. */
export function sendPage(event: H3Event, page: CachedPage): void {
  const encoding: Encoding = acceptedEncoding(event) ?? 'identity'
  const res = event.node.res
  res.writeHead(200, page.heads[encoding])
  res.end(event.method === 'HEAD' ? undefined : encoding === 'identity' ? page.body : page[encoding])
}

async function fetchOrRender(key: string): Promise<CachedPage | null> {
  const shared = useRedis() ? useStorage('cache') : undefined
  const stored = await shared?.getItem<StoredPage>(sharedKey(key))
  if (stored && Date.now() - stored.at < PAGE_MAX_AGE * 1000) {
    const { headers, at } = stored
    return withHeads({ headers, at, body: Buffer.from(stored.body, 'base64'), gzip: Buffer.from(stored.gzip, 'base64'), br: Buffer.from(stored.br, 'base64') })
  }
  const page = await render(key)
  if (page && shared) {
    const { headers, at } = page
    await shared.setItem(sharedKey(key), { headers, at, body: page.body.toString('base64'), gzip: page.gzip.toString('base64'), br: page.br.toString('base64') }, { ttl: PAGE_MAX_AGE })
  }
  return page
}

/** The page for a key: from memory, from Redis, or rendered (once, however many ask at once). */
/**
 * The cache key of a request for a public page, or null: only GET and HEAD from outside
 * (the cache's own renders are internal requests), and only while the cache is on.
 */
export function requestPageKey(event: H3Event): string | null {
  if ((event.method !== 'GET' && event.method !== 'HEAD') || isInternalRequest(event) || !useRuntimeConfig().pageCache) return null
  // The raw URL, not getRequestURL's: a URL object per request was a tenth of serving a page.
  const url = event.node.req.url ?? '/'
  const query = url.indexOf('?')
  return query < 0 ? pageKey(url) : pageKey(url.slice(0, query), new URLSearchParams(url.slice(query + 1)))
}

/** The page this process holds fresh for the key, without rendering or asking Redis: undefined when there is none. */
export function heldPage(key: string): CachedPage | null | undefined {
  const now = Date.now()
  const hit = memory.get(key)
  if (hit && now - (hit.page?.at ?? hit.kept) < PAGE_MAX_AGE * 1000 && (!useRedis() || now - hit.kept < SHARED_FRESH_MS)) return hit.page
  return undefined
}

export async function cachedPage(key: string): Promise<CachedPage | null> {
  const held = heldPage(key)
  if (held !== undefined) return held
  let pending = rendering.get(key)
  if (!pending) {
    pending = fetchOrRender(key).finally(() => rendering.delete(key))
    rendering.set(key, pending)
  }
  const page = await pending
  memory.set(key, { page, kept: Date.now() })
  return page
}

/** Forgets every cached page, here and in Redis (after an admin's change). */
export async function invalidatePages(): Promise<void> {
  memory.clear()
  if (useRedis()) await useStorage('cache').clear('pages')
}
