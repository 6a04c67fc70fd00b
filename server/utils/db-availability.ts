import { sql } from 'kysely'

// Whether the database answers, as the last failed request and the probes after it found.

const PROBE_EVERY_MS = 1000
const PROBE_TIMEOUT_MS = 2000

let down = false

/** True between a request finding the database unreachable and a probe finding it back. */
export function databaseDown(): boolean {
  return down
}

/** Shuts the gate (middleware/unavailable.ts) and probes until the database answers again; said once each way. */
export function reportDatabaseUnavailable(err: unknown): void {
  if (down) return
  down = true
  console.warn(`[db] unreachable (${(err as Error)?.message ?? err}); answering 503 until it is back`)
  const probe = setInterval(() => {
    const ping = sql`select 1`.execute(useDb())
    const timeout = new Promise((_, reject) => setTimeout(reject, PROBE_TIMEOUT_MS, new Error('timeout')).unref())
    Promise.race([ping, timeout]).then(() => {
      if (!down) return
      down = false
      clearInterval(probe)
      console.info('[db] reachable again')
    }, () => {})
  }, PROBE_EVERY_MS)
  probe.unref()
}
