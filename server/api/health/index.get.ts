/**
 * 200 when the database answers within two seconds, 503 otherwise (and while the server
 * is still starting, or stopping after SIGTERM). `cache` is `memory` without Redis, `ok` with Redis connected, and
 * `degraded` while Redis is unreachable: TicketShow then answers from the database, so
 * it stays 200 with `status: "degraded"`. For a load balancer that should keep sending
 * traffic through a Redis outage; /api/health/ready is stricter. A cold serverless
 * function waits for its start-up first.
 */
export default defineEventHandler(async (event) => {
  if (isServerless()) await startedWithin(10_000)
  const state = useDbState()
  const cache = cacheState()
  if (!isStopping() && await databaseAnswers()) return { status: cache === 'degraded' ? 'degraded' : 'ok', database: 'ok', cache }
  setResponseStatus(event, 503, 'Service Unavailable')
  if (isStopping()) return { status: 'stopping', database: 'ok', cache }
  return { status: state.ready ? 'unavailable' : 'starting', database: state.ready ? 'unavailable' : 'starting', cache }
})
