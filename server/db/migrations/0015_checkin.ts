import { PostgresAdapter, sql } from 'kysely'
import type { Kysely } from 'kysely'

// Frozen in time. Check-in at the door (issue 15): a `staff` role, and on each booking
// when and by whom it was let in. SQLite cannot alter a CHECK constraint, so there the
// users table is rebuilt from its own stored definition (the documented 12-step way:
// foreign keys off, copy, drop, rename, indexes back, foreign_key_check).

const OLD_CHECK = `role in ('user', 'admin')`
const NEW_CHECK = `role in ('user', 'staff', 'admin')`

async function setRoles(db: Kysely<any>, from: string, to: string): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`alter table users drop constraint if exists users_role_check`.execute(db)
    await sql`alter table users add constraint users_role_check check (${sql.raw(to)})`.execute(db)
    return
  }
  const table = await sql<{ sql: string }>`select sql from sqlite_master where type = 'table' and name = 'users'`.execute(db)
  const create = table.rows[0]!.sql
  if (!create.includes(from)) throw new Error(`users table has no check "${from}"`)
  const indexes = await sql<{ sql: string }>`select sql from sqlite_master where type = 'index' and tbl_name = 'users' and sql is not null`.execute(db)
  await sql`pragma foreign_keys = off`.execute(db)
  try {
    await db.transaction().execute(async (trx) => {
      await sql.raw(create.replace(/^CREATE TABLE\s+("?users"?)/i, 'create table "users_new"').replace(from, to)).execute(trx)
      await sql`insert into users_new select * from users`.execute(trx)
      await sql`drop table users`.execute(trx)
      await sql`alter table users_new rename to users`.execute(trx)
      for (const i of indexes.rows) await sql.raw(i.sql).execute(trx)
      const broken = await sql`pragma foreign_key_check`.execute(trx)
      if (broken.rows.length) throw new Error('foreign keys broken by the users rebuild')
    })
  }
  finally {
    await sql`pragma foreign_keys = on`.execute(db)
  }
}

export async function up(db: Kysely<any>): Promise<void> {
  const instant = db.getExecutor().adapter instanceof PostgresAdapter ? 'timestamptz' : 'text'
  await setRoles(db, OLD_CHECK, NEW_CHECK)
  await db.schema.alterTable('bookings').addColumn('checked_in_at', instant).execute()
  await db.schema.alterTable('bookings').addColumn('checked_in_by', 'integer', c => c.references('users.id').onDelete('set null')).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('bookings').dropColumn('checked_in_by').execute()
  await db.schema.alterTable('bookings').dropColumn('checked_in_at').execute()
  await db.updateTable('users').set({ role: 'user' }).where('role', '=', 'staff').execute()
  await setRoles(db, NEW_CHECK, OLD_CHECK)
}
