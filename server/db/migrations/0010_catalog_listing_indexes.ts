import { sql } from 'kysely'
import type { Kysely } from 'kysely'

// Frozen in time. The catalogue filtered by city or day lists shows straight from that
// city's or that day's live upcoming screenings (tens of thousands on 1M screenings), each
// show's earliest first. These indexes hold every column that listing reads, cancelled_at
// included: SQLite never reads a partial index as covering when the query names the column
// of its WHERE, so the partial index by venue of 0005 (replaced here) made it look up each
// screening's row (measured: 50k lookups, up to 300 ms when the planner took the plain
// index by venue instead). The index by day replaces the one of 0002 the same way.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('screenings_venue_listing_idx').on('screenings').columns(['venue_id', 'starts_at', 'show_id', 'cancelled_at']).execute()
  await db.schema.createIndex('screenings_day_listing_idx').on('screenings').columns(['local_date', 'starts_at', 'venue_id', 'show_id', 'cancelled_at']).execute()
  await db.schema.dropIndex('screenings_live_venue_idx').execute()
  await db.schema.dropIndex('screenings_local_date_idx').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('screenings_local_date_idx').on('screenings').columns(['local_date', 'show_id']).execute()
  await sql`create index screenings_live_venue_idx on screenings (venue_id, starts_at, show_id) where cancelled_at is null`.execute(db)
  await db.schema.dropIndex('screenings_day_listing_idx').execute()
  await db.schema.dropIndex('screenings_venue_listing_idx').execute()
}
