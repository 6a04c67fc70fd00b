import { sql } from 'kysely'

/** 200 when the database answers within two seconds, 503 otherwise. */
export default defineEventHandler(async (event) => {
  const state = useDbState()
  if (state.ready) {
    const ping = sql`select 1`.execute(state.db).then(() => true, () => false)
    const timeout = new Promise<false>(resolve => setTimeout(resolve, 2000, false).unref())
    if (await Promise.race([ping, timeout])) return { status: 'ok' }
  }
  setResponseStatus(event, 503, 'Service Unavailable')
  return { status: state.ready ? 'unavailable' : 'starting' }
})
