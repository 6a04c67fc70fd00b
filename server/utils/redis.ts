import { createHash } from 'node:crypto'
import { Redis } from 'ioredis'
import { sqlitePath } from '../db'

let client: Redis | null | undefined
let unreachable = false

/**
 * The Redis connection for what needs Redis itself (the rate limits), or null without
 * NUXT_REDIS_URL. Commands fail at once while Redis is unreachable (no offline queue), so
 * whatever uses it can fall back instead of waiting; it keeps reconnecting meanwhile.
 */
export function useRedis(): Redis | null {
  if (client === undefined) {
    const url = String(useRuntimeConfig().redisUrl ?? '')
    client = url ? new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000, lazyConnect: false }) : null
    // Said once when Redis goes away and once when it is back, not on every retry.
    client?.on('error', (err) => {
      if (unreachable) return
      unreachable = true
      console.warn(`[redis] unreachable (${err.message}); rate limits fall back to this instance's memory until it is back`)
    })
    client?.on('ready', () => {
      if (!unreachable) return
      unreachable = false
      console.info('[redis] reachable again')
    })
  }
  return client
}

/**
 * The prefix of this deployment's keys in a shared Redis: `ticketshow:<hash of its
 * database>` (the PostgreSQL URL, or the SQLite file), so deployments and test runs that
 * share a Redis never read each other's cache or counters.
 */
export function redisNamespace(): string {
  const { databaseUrl, dataDir } = useRuntimeConfig()
  const database = String(databaseUrl || sqlitePath('', String(dataDir)))
  return `ticketshow:${createHash('sha256').update(database).digest('hex').slice(0, 12)}`
}
