import { sql } from 'kysely'
import type { Db } from '../../db'
import { writeTransaction } from '../../db/write'

// outbox:prune. Emails that were sent, captured (no SMTP server) or given up on keep their
// record (to, subject, kind, status, times, error) for the admin's outbox, but lose their
// bodies (HTML, text, attachments, template data, headers) once they are older than the
// retention period, so the outbox does not grow without bound. A batch at a time, each its
// own short transaction, through the partial index of rows that still hold a body.

export const PRUNE_BATCH = 1000

export async function pruneOutbox(db: Db, opts: { now: Date, retentionDays: number, batchSize?: number }): Promise<{ pruned: number, anonymised: number, before: string }> {
  const before = new Date(opts.now.getTime() - opts.retentionDays * 86_400_000).toISOString()
  const batchSize = opts.batchSize ?? PRUNE_BATCH
  let pruned = 0
  for (;;) {
    const rows = await db.selectFrom('outbox').select('id')
      .where(eb => eb.or([eb('template', 'is not', null), eb('html', '!=', '')]))
      .where('created_at', '<', before)
      .where('status', 'in', ['sent', 'captured', 'failed'])
      .orderBy('created_at').limit(batchSize).execute()
    if (!rows.length) break
    const res = await writeTransaction(db, trx => trx.updateTable('outbox')
      .set({ html: '', text: '', attachments: null, template: null, headers: null })
      .where('id', 'in', rows.map(r => r.id)).where('status', 'in', ['sent', 'captured', 'failed'])
      .executeTakeFirst())
    pruned += Number(res.numUpdatedRows)
    if (rows.length < batchSize) break
  }
  // People who left keep no address here: the cancellation emails written as they left
  // went to their address, and lose it once they are out (sent, captured or failed).
  const res = await writeTransaction(db, trx => trx.updateTable('outbox')
    .set(eb => ({ to: sql<string>`'deleted-' || ${eb.ref('user_id')} || '@deleted.invalid'` }))
    .where('status', 'in', ['sent', 'captured', 'failed'])
    .where('user_id', 'in', trx.selectFrom('users').select('id').where('deleted_at', 'is not', null))
    .where('to', 'not like', 'deleted-%@deleted.invalid')
    .executeTakeFirst())
  const anonymised = Number(res.numUpdatedRows)
  // The space freed is reused for new rows (SQLite's free pages, PostgreSQL's autovacuum).
  return { pruned, anonymised, before }
}
