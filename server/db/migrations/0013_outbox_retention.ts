import type { Kysely } from 'kysely'
import { sql } from 'kysely'

// Frozen in time. The retention task (outbox:prune) finds emails whose bodies it may drop
// through this partial index: only rows that still hold a body are in it, so each run reads
// what is left to do, not every email ever sent.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('outbox_body_kept_idx').on('outbox').column('created_at')
    .where(sql<boolean>`template is not null or html != ''`).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('outbox_body_kept_idx').execute()
}
