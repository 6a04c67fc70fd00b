import type { Kysely } from 'kysely'

// Frozen in time. An outbox row may hold the data its email is rendered from (JSON)
// instead of the rendered email, so the booking transaction that writes it stays small.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('outbox').addColumn('template', 'text').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('outbox').dropColumn('template').execute()
}
