import { PostgresAdapter, sql } from 'kysely'
import type { Kysely } from 'kysely'

// Frozen in time. Waiting lists (issue 15): one row per person waiting for seats at a
// screening, in the order they joined; an offer is that person's seat_holds rows, marked
// with the entry they were offered for (seat_holds.waitlist_id), so the seat map shows
// them held and nobody else can book or hold them. At most one open entry (waiting or
// offered) per person and screening, by a partial unique index.

export async function up(db: Kysely<any>): Promise<void> {
  const isPg = db.getExecutor().adapter instanceof PostgresAdapter
  const instant = isPg ? 'timestamptz' : 'text'
  let table = db.schema.createTable('waitlist_entries')
  table = isPg
    ? table.addColumn('id', 'integer', c => c.primaryKey().generatedByDefaultAsIdentity())
    : table.addColumn('id', 'integer', c => c.primaryKey().autoIncrement())
  await table
    .addColumn('screening_id', 'integer', c => c.notNull().references('screenings.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', c => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('quantity', 'integer', c => c.notNull().check(sql`quantity between 1 and 10`))
    .addColumn('category', 'varchar(32)')
    .addColumn('status', 'varchar(8)', c => c.notNull().defaultTo('waiting').check(sql`status in ('waiting', 'offered', 'booked', 'lapsed', 'left', 'closed')`))
    .addColumn('created_at', instant, c => c.notNull())
    .addColumn('offered_at', instant)
    .addColumn('offer_expires_at', instant)
    .addColumn('offered_seats', 'text')
    .addColumn('ended_at', instant)
    .execute()
  await db.schema.createIndex('waitlist_entries_open_idx').on('waitlist_entries').columns(['screening_id', 'user_id']).unique()
    .where(sql<boolean>`status in ('waiting', 'offered')`).execute()
  await db.schema.createIndex('waitlist_entries_queue_idx').on('waitlist_entries').columns(['screening_id', 'status', 'id']).execute()
  await db.schema.createIndex('waitlist_entries_user_idx').on('waitlist_entries').columns(['user_id', 'status']).execute()
  await db.schema.createIndex('waitlist_entries_status_idx').on('waitlist_entries').columns(['status', 'screening_id']).execute()
  await db.schema.alterTable('seat_holds').addColumn('waitlist_id', 'integer').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('seat_holds').dropColumn('waitlist_id').execute()
  await db.schema.dropTable('waitlist_entries').execute()
}
