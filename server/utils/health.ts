import { sql } from 'kysely'

export type CacheState = 'memory' | 'ok' | 'degraded'

/** `memory` without NUXT_REDIS_URL, `ok` while Redis is connected, `degraded` while it is not. */
export function cacheState(): CacheState {
  const redis = useRedis()
  return !redis ? 'memory' : redis.status === 'ready' ? 'ok' : 'degraded'
}

/** Whether `probe` settles true within `ms`; a rejection or a timeout is false. */
export function answersWithin(probe: Promise<unknown>, ms: number): Promise<boolean> {
  const ok = probe.then(() => true, () => false)
  const timeout = new Promise<false>(resolve => setTimeout(resolve, ms, false).unref())
  return Promise.race([ok, timeout])
}

/** The database answers a `select 1` within two seconds (and the server has migrated it). */
export async function databaseAnswers(): Promise<boolean> {
  const state = useDbState()
  return state.ready && await answersWithin(sql`select 1`.execute(state.db), 2000)
}

/** Redis answers a PING within a second; true when no Redis is configured. */
export async function redisAnswers(): Promise<boolean> {
  const redis = useRedis()
  if (!redis) return true
  if (redis.status !== 'ready') return false
  return answersWithin(redis.ping(), 1000)
}
