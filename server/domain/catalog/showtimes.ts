import { sql } from 'kysely'
import type { Db } from '../../db'
import { isPostgres } from '../../db'
import { writeTransaction } from '../../db/write'

// Each show keeps its next upcoming live screening on its own row (next_starts_at,
// next_screening_id), so the public catalogue ("what is on, soonest first") is an indexed
// range over shows rather than a probe of screenings per matching show. Two things move it:
// a screening being scheduled, moved or cancelled (the write that does it calls
// refreshShowtimes in its transaction), and time passing (a next screening that has
// started is replaced by the one after it: refreshStartedShowtimes, before reading).

/**
 * Takes the show rows' locks (PostgreSQL; SQLite has one writer). A transaction that
 * changes a show's screenings takes its show's lock first, before venue or screening
 * rows, so such transactions queue rather than deadlock.
 */
export async function lockShows(trx: Db, showIds: number[]): Promise<void> {
  const ids = [...new Set(showIds)].sort((a, b) => a - b)
  if (ids.length && isPostgres(trx)) await trx.selectFrom('shows').select('id').where('id', 'in', ids).orderBy('id').forUpdate().execute()
}

/**
 * Recomputes the next upcoming screening of these shows from the screenings themselves.
 * Call it inside the transaction that changed their screenings, after the change.
 */
export async function refreshShowtimes(trx: Db, showIds: number[], now: Date): Promise<void> {
  const ids = [...new Set(showIds)].sort((a, b) => a - b)
  if (!ids.length) return
  // Locked (again: a no-op for the transaction that already holds them), so the update
  // below reads the screenings after any concurrent writer to the same show has committed.
  await lockShows(trx, ids)
  const nowIso = now.toISOString()
  const next = sql<number | null>`(select s.id from screenings s where s.show_id = shows.id and s.cancelled_at is null and s.starts_at > ${nowIso} order by s.starts_at, s.id limit 1)`
  await trx.updateTable('shows').set({ next_screening_id: next }).where('id', 'in', ids).execute()
  await trx.updateTable('shows')
    .set({ next_starts_at: sql<string | null>`(select s.starts_at from screenings s where s.id = shows.next_screening_id)` })
    .where('id', 'in', ids).execute()
}

const STALE_BATCH = 500

/**
 * Moves on the shows whose next screening has started by `now`. Cheap when there are none
 * (one probe of an index); otherwise a small write, in batches.
 */
export async function refreshStartedShowtimes(db: Db, now: Date): Promise<number> {
  const nowIso = now.toISOString()
  let moved = 0
  for (;;) {
    const stale = await db.selectFrom('shows').select('id').where('next_starts_at', '<=', nowIso).orderBy('next_starts_at').limit(STALE_BATCH).execute()
    if (!stale.length) return moved
    await writeTransaction(db, trx => refreshShowtimes(trx, stale.map(s => s.id), now))
    moved += stale.length
    if (stale.length < STALE_BATCH) return moved
  }
}
