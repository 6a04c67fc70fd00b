import { PostgresAdapter, sql } from 'kysely'
import type { Kysely } from 'kysely'

// Frozen in time. A counter that moves with every change to a screening's seat rows, so
// the booking path can keep a screening's taken seats in memory and know, from the one row
// it reads anyway, whether they are still current (instead of reading every seat row on
// every booking). Kept by triggers on SQLite, the single-process embedded default, which
// alone uses it; on PostgreSQL, where other instances book too, the column stays 0.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('screenings').addColumn('seats_version', 'integer', c => c.notNull().defaultTo(0)).execute()
  if (db.getExecutor().adapter instanceof PostgresAdapter) return
  await sql`create trigger booking_seats_version_ai after insert on booking_seats begin
    update screenings set seats_version = seats_version + 1 where id = new.screening_id;
  end`.execute(db)
  await sql`create trigger booking_seats_version_ad after delete on booking_seats begin
    update screenings set seats_version = seats_version + 1 where id = old.screening_id;
  end`.execute(db)
  await sql`create trigger booking_seats_version_au after update on booking_seats begin
    update screenings set seats_version = seats_version + 1 where id in (old.screening_id, new.screening_id);
  end`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) {
    for (const t of ['booking_seats_version_ai', 'booking_seats_version_ad', 'booking_seats_version_au']) await sql`drop trigger if exists ${sql.id(t)}`.execute(db)
  }
  await db.schema.alterTable('screenings').dropColumn('seats_version').execute()
}
