import { PostgresAdapter } from 'kysely'
import type { Kysely } from 'kysely'

// Frozen in time. A screening's calendar date in its venue's timezone (YYYY-MM-DD), kept
// beside the UTC instant so "what is on that day" is an indexed equality on either dialect;
// and cancelled_at, so a screening an admin cancels keeps its cancelled bookings' history.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('screenings').addColumn('local_date', 'varchar(10)', c => c.notNull().defaultTo('')).execute()
  const instant = db.getExecutor().adapter instanceof PostgresAdapter ? 'timestamptz' : 'text'
  await db.schema.alterTable('screenings').addColumn('cancelled_at', instant).execute()
  await db.schema.createIndex('screenings_local_date_idx').on('screenings').columns(['local_date', 'show_id']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('screenings_local_date_idx').execute()
  await db.schema.alterTable('screenings').dropColumn('cancelled_at').execute()
  await db.schema.alterTable('screenings').dropColumn('local_date').execute()
}
