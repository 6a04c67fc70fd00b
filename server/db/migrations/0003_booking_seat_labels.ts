import type { Kysely } from 'kysely'

// Frozen in time. The seats a booking holds (or held, once cancelled), as a
// comma-separated list, so a cancelled booking still shows which seats it had;
// booking_seats stays the claim that makes a seat unique.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('bookings').addColumn('seats', 'text', c => c.notNull().defaultTo('')).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('bookings').dropColumn('seats').execute()
}
