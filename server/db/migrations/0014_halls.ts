import { PostgresAdapter } from 'kysely'
import type { Kysely } from 'kysely'

// Frozen in time. Halls as they are (issue 14): a venue's layout (JSON; null keeps the
// rows derived from capacity and seats per row) and its version, which moves with every
// change so a compiled hall can be kept in memory; a screening's price per seat category
// (JSON; null: every category at the screening's price); a booking's seats with the
// category and price each was sold at (JSON; null for bookings made before, all at the
// unit price); and seat holds, one row per held seat, until their expiry.
export async function up(db: Kysely<any>): Promise<void> {
  const instant = db.getExecutor().adapter instanceof PostgresAdapter ? 'timestamptz' : 'text'
  await db.schema.alterTable('venues').addColumn('layout', 'text').execute()
  await db.schema.alterTable('venues').addColumn('layout_version', 'integer', c => c.notNull().defaultTo(0)).execute()
  await db.schema.alterTable('screenings').addColumn('prices', 'text').execute()
  await db.schema.alterTable('bookings').addColumn('lines', 'text').execute()
  await db.schema.createTable('seat_holds')
    .addColumn('screening_id', 'integer', c => c.notNull().references('screenings.id').onDelete('cascade'))
    .addColumn('seat', 'text', c => c.notNull())
    .addColumn('user_id', 'integer', c => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('expires_at', instant, c => c.notNull())
    .addPrimaryKeyConstraint('seat_holds_pk', ['screening_id', 'seat'])
    .execute()
  await db.schema.createIndex('seat_holds_user_idx').on('seat_holds').columns(['user_id', 'screening_id']).execute()
  await db.schema.createIndex('seat_holds_expiry_idx').on('seat_holds').column('expires_at').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('seat_holds').execute()
  await db.schema.alterTable('bookings').dropColumn('lines').execute()
  await db.schema.alterTable('screenings').dropColumn('prices').execute()
  await db.schema.alterTable('venues').dropColumn('layout_version').execute()
  await db.schema.alterTable('venues').dropColumn('layout').execute()
}
