import { createHash } from 'node:crypto'
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible'
import type { RateLimiterAbstract } from 'rate-limiter-flexible'
import type { Redis } from 'ioredis'
import type pg from 'pg'
import { httpError } from './errors'

// Rate limits, by rate-limiter-flexible (atomic counters in Redis or PostgreSQL, so every
// instance shares them, and however many requests arrive at once no more than the limit
// get through). Where each limit is applied: login and registration in their handlers,
// browsing in middleware/rate-limit.ts, poster uploads and seat holds in their handlers.

interface Limit {
  /** requests let through per window */
  points: number
  /** the window, in seconds */
  duration: number
  /** scaled by NUXT_RATE_LIMIT_FACTOR (the login throttle per username is a promise, not a tunable) */
  scaled: boolean
  /** what the 429 says, given the seconds to wait */
  message: (retryAfter: number) => string
}

const minutes = (s: number) => `${Math.ceil(s / 60)} minute${Math.ceil(s / 60) === 1 ? '' : 's'}`
const tryAgain = (s: number) => `Too many requests; try again in ${s < 90 ? `${s} seconds` : minutes(s)}`

export const RATE_LIMITS = {
  /** login attempts per username and client: 5 per 15 minutes; a successful login starts over */
  login: { points: 5, duration: 15 * 60, scaled: false, message: s => `Too many failed logins; try again in ${minutes(s)}` },
  /** login attempts per client, whatever the username (password spraying) */
  loginClient: { points: 60, duration: 15 * 60, scaled: true, message: s => `Too many login attempts from your address; try again in ${minutes(s)}` },
  /** registrations per client: each one emails an address the caller chose */
  register: { points: 10, duration: 60 * 60, scaled: true, message: s => `Too many registrations from your address; try again in ${minutes(s)}` },
  /** catalogue reads per client (search, listings): a person browsing never comes close */
  browse: { points: 300, duration: 60, scaled: true, message: tryAgain },
  /** poster uploads per admin: each one decodes and re-encodes an image */
  poster: { points: 30, duration: 10 * 60, scaled: true, message: s => `Too many poster uploads; try again in ${minutes(s)}` },
  /** seat holds per user: each pick on a seat map is one; a person choosing never comes close */
  hold: { points: 60, duration: 60, scaled: true, message: tryAgain },
  /** check-ins per staff member: a busy door scans a ticket every few seconds */
  checkin: { points: 120, duration: 60, scaled: true, message: tryAgain },
} satisfies Record<string, Limit>

/** The catalogue reads counted against the `browse` limit (GET only; middleware/rate-limit.ts). */
export const BROWSE_ROUTE = /^\/api\/(?:search|shows|venues|screenings|filters)(?:[/?]|$)/

export type RateLimitName = keyof typeof RATE_LIMITS

export type RateLimitStore
  = | { kind: 'memory' }
    | { kind: 'redis', client: Redis }
    | { kind: 'postgres', pool: pg.Pool }

export interface RateLimits {
  /** Counts one request against the limit; a 429 with Retry-After when the limit is reached. */
  consume: (name: RateLimitName, key: string) => Promise<void>
  /** Forgets what the key has used (a successful login). */
  reset: (name: RateLimitName, key: string) => Promise<void>
}

/** Keys are hashed: a username and an IPv6 address may be longer than a store's key column. */
const hashed = (key: string) => createHash('sha256').update(key).digest('base64url').slice(0, 32)

function limiterFor(store: RateLimitStore, prefix: string, points: number, duration: number): RateLimiterAbstract {
  const opts = { keyPrefix: prefix, points, duration }
  switch (store.kind) {
    case 'memory':
      return new RateLimiterMemory(opts)
    case 'redis':
      // With Redis unreachable, each instance limits on its own until it is back.
      return new RateLimiterRedis({ ...opts, storeClient: store.client, insuranceLimiter: new RateLimiterMemory(opts) })
    case 'postgres':
      // The table is made by migration 0009, not by the library at start-up.
      return new RateLimiterPostgres({ ...opts, storeClient: store.pool, storeType: 'pool', tableName: 'rate_limits', tableCreated: true })
  }
}

/**
 * The limits on one store. `factor` scales the per-client limits (NUXT_RATE_LIMIT_FACTOR;
 * 0 turns them off, for a load test); the login throttle per username is never scaled.
 * `namespace` keeps deployments that share a Redis apart.
 */
export function createRateLimits(store: RateLimitStore, factor = 1, namespace = 'ticketshow'): RateLimits {
  const limiters = new Map<RateLimitName, RateLimiterAbstract | null>()
  const limiter = (name: RateLimitName) => {
    if (!limiters.has(name)) {
      const limit: Limit = RATE_LIMITS[name]
      const points = limit.scaled ? Math.round(limit.points * factor) : limit.points
      limiters.set(name, points > 0 ? limiterFor(store, `${namespace}:${name}`, points, limit.duration) : null)
    }
    return limiters.get(name)!
  }
  return {
    async consume(name, key) {
      const l = limiter(name)
      if (!l) return
      try {
        await l.consume(hashed(key))
      }
      catch (err) {
        if (!(err instanceof RateLimiterRes)) throw err
        const retryAfter = Math.max(1, Math.ceil(err.msBeforeNext / 1000))
        throw httpError(429, RATE_LIMITS[name].message(retryAfter), { retryAfter })
      }
    },
    async reset(name, key) {
      await limiter(name)?.delete(hashed(key))
    },
  }
}
