import type { Kysely } from 'kysely'

// Frozen in time. Rate limits move to rate-limiter-flexible, which keeps its counters in
// Redis when there is one and otherwise in this table (its own layout) on PostgreSQL, so
// every instance shares them; the hand-kept login_failures table goes. Each user gets a
// session version that every session token carries: moving it ends every other session.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('rate_limits')
    .addColumn('key', 'varchar(255)', c => c.primaryKey())
    .addColumn('points', 'integer', c => c.notNull().defaultTo(0))
    .addColumn('expire', 'bigint')
    .execute()
  await db.schema.dropTable('login_failures').execute()
  await db.schema.alterTable('users').addColumn('session_version', 'integer', c => c.notNull().defaultTo(0)).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('session_version').execute()
  await db.schema.createTable('login_failures')
    .addColumn('key', 'varchar(200)', c => c.notNull())
    .addColumn('created_at', 'text', c => c.notNull())
    .execute()
  await db.schema.dropTable('rate_limits').execute()
}
