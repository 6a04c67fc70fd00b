import { PostgresAdapter } from 'kysely'
import type { Kysely } from 'kysely'

// Frozen in time. What an outbox row needs to be sent as it was written: extra headers
// (List-Unsubscribe), attachments (the .ics, the report's CSV and chart), the user it is
// for, and a lease (locked_until) so a sender that died mid-send gives its rows back.
export async function up(db: Kysely<any>): Promise<void> {
  const instant = db.getExecutor().adapter instanceof PostgresAdapter ? 'timestamptz' : 'text'
  await db.schema.alterTable('outbox').addColumn('headers', 'text').execute()
  await db.schema.alterTable('outbox').addColumn('attachments', 'text').execute()
  await db.schema.alterTable('outbox').addColumn('user_id', 'integer').execute()
  await db.schema.alterTable('outbox').addColumn('locked_until', instant).execute()
  await db.schema.createIndex('outbox_user_idx').on('outbox').column('user_id').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('outbox_user_idx').execute()
  for (const column of ['locked_until', 'user_id', 'attachments', 'headers'])
    await db.schema.alterTable('outbox').dropColumn(column).execute()
}
