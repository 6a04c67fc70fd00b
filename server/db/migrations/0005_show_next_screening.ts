import { PostgresAdapter, sql } from 'kysely'
import type { Kysely } from 'kysely'

// Frozen in time. Keeps each show's next upcoming screening on the show row, so "shows on
// soon, soonest first" is an indexed range over shows instead of a per-show probe of
// screenings for every match (100k shows, 1M screenings). Partial indexes over live
// (not cancelled) screenings serve the per-show and per-venue probes that remain.
export async function up(db: Kysely<any>): Promise<void> {
  const instant = db.getExecutor().adapter instanceof PostgresAdapter ? 'timestamptz' : 'text'
  await db.schema.alterTable('shows').addColumn('next_starts_at', instant).execute()
  await db.schema.alterTable('shows').addColumn('next_screening_id', 'integer').execute()
  await sql`create index screenings_live_show_idx on screenings (show_id, starts_at, id) where cancelled_at is null`.execute(db)
  await sql`create index screenings_live_venue_idx on screenings (venue_id, starts_at, show_id) where cancelled_at is null`.execute(db)
  const now = new Date().toISOString()
  const next = sql`(select s.id from screenings s where s.show_id = shows.id and s.cancelled_at is null and s.starts_at > ${now} order by s.starts_at, s.id limit 1)`
  await sql`update shows set next_screening_id = ${next}`.execute(db)
  await sql`update shows set next_starts_at = (select s.starts_at from screenings s where s.id = shows.next_screening_id) where next_screening_id is not null`.execute(db)
  await db.schema.createIndex('shows_next_starts_idx').on('shows').columns(['next_starts_at', 'id']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('shows_next_starts_idx').execute()
  await db.schema.dropIndex('screenings_live_venue_idx').execute()
  await db.schema.dropIndex('screenings_live_show_idx').execute()
  await db.schema.alterTable('shows').dropColumn('next_screening_id').execute()
  await db.schema.alterTable('shows').dropColumn('next_starts_at').execute()
}
