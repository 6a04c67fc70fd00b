/**
 * Readiness: 200 when this instance should get traffic: migrated, not stopping, its
 * database answering within two seconds and, when NUXT_REDIS_URL is set, Redis answering a
 * PING within one; 503 otherwise, with what failed. On a serverless platform a probe that
 * wakes a cold function waits for its start-up, as every other request does (it would
 * otherwise always find the function starting).
 */
export default defineEventHandler(async (event) => {
  if (isServerless()) await startedWithin(10_000)
  const state = useDbState()
  const [database, redis] = await Promise.all([databaseAnswers(), redisAnswers()])
  const body = {
    status: isStopping() ? 'stopping' : !state.ready ? 'starting' : database && redis ? 'ready' : 'unavailable',
    database: !state.ready ? 'starting' : database ? 'ok' : 'unavailable',
    redis: !useRedis() ? 'not configured' : redis ? 'ok' : 'unavailable',
  } as const
  if (body.status !== 'ready') {
    setResponseStatus(event, 503, 'Service Unavailable')
    setResponseHeader(event, 'Retry-After', 5)
  }
  return body
})
