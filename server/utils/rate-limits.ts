import { pgPoolOf } from '../db'
import { createRateLimits } from './rate-limit'
import type { RateLimits } from './rate-limit'

let limits: RateLimits | undefined

/** This process's rate limits: in Redis when configured, else in PostgreSQL, else in memory (SQLite: one process). */
export function useRateLimits(): RateLimits {
  if (!limits) {
    const config = useRuntimeConfig()
    const redis = useRedis()
    const pool = pgPoolOf(useDb())
    const store = redis ? { kind: 'redis' as const, client: redis } : pool ? { kind: 'postgres' as const, pool } : { kind: 'memory' as const }
    limits = createRateLimits(store, Number(config.rateLimitFactor ?? 1), `${redisNamespace()}:limit`)
  }
  return limits
}
