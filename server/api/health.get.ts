import { sql } from 'kysely'

/**
 * 200 when the database answers within two seconds, 503 otherwise (and while the server
 * is still starting, or stopping after SIGTERM). `cache` is `memory` without Redis, `ok` with Redis connected, and
 * `degraded` while Redis is unreachable: TicketShow then answers from the database, so
 * it stays 200 with `status: "degraded"`.
 */
export default defineEventHandler(async (event) => {
  const state = useDbState()
  const redis = useRedis()
  const cache = !redis ? 'memory' : redis.status === 'ready' ? 'ok' : 'degraded'
  if (state.ready && !isStopping()) {
    const ping = sql`select 1`.execute(state.db).then(() => true, () => false)
    const timeout = new Promise<false>(resolve => setTimeout(resolve, 2000, false).unref())
    if (await Promise.race([ping, timeout])) return { status: cache === 'degraded' ? 'degraded' : 'ok', database: 'ok', cache }
  }
  setResponseStatus(event, 503, 'Service Unavailable')
  if (isStopping()) return { status: 'stopping', database: 'ok', cache }
  return { status: state.ready ? 'unavailable' : 'starting', database: state.ready ? 'unavailable' : 'starting', cache }
})
