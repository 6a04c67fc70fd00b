import type { Kysely } from 'kysely'
import { PostgresAdapter } from 'kysely'

// Frozen in time. A person who leaves (deleted by an admin, or closing their account)
// while they have booking history stays as an anonymous row (no name, no email, no
// password) marked deleted_at, so the bookings, the dashboard and the reports keep their
// figures; someone with no bookings is deleted outright.
export async function up(db: Kysely<any>): Promise<void> {
  const instant = db.getExecutor().adapter instanceof PostgresAdapter ? 'timestamptz' : 'text'
  await db.schema.alterTable('users').addColumn('deleted_at', instant).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('deleted_at').execute()
}
