import type { Kysely } from 'kysely'
import { PostgresAdapter, sql } from 'kysely'

// Frozen in time. Stored files (posters) move from a folder in the data dir into the
// database, which every instance and serverless function already shares. The start-up
// copies a folder left by an older version in (server/utils/posters.ts).
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter
  await db.schema.createTable('files')
    .addColumn('key', 'varchar(255)', c => c.primaryKey())
    .addColumn('data', postgres ? sql`bytea` : 'blob', c => c.notNull())
    .addColumn('size', 'integer', c => c.notNull())
    .addColumn('updated_at', 'text', c => c.notNull())
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('files').execute()
}
