import { PostgresAdapter, sql } from 'kysely'
import type { ColumnDataType, CreateTableBuilder, Kysely } from 'kysely'

// Frozen in time: never import app code here, never edit once released.
// One migration for both dialects; the only differences are the id column and the
// instant type (timestamptz on PostgreSQL, ISO-8601 text on SQLite).

function dialectOf(db: Kysely<any>) {
  const isPg = db.getExecutor().adapter instanceof PostgresAdapter
  const instant: ColumnDataType = isPg ? 'timestamptz' : 'text'
  const withId = <T extends string>(t: CreateTableBuilder<T, never>) =>
    isPg
      ? t.addColumn('id', 'integer', c => c.primaryKey().generatedByDefaultAsIdentity())
      : t.addColumn('id', 'integer', c => c.primaryKey().autoIncrement())
  return { instant, withId }
}

export async function up(db: Kysely<any>): Promise<void> {
  const { instant, withId } = dialectOf(db)

  await withId(db.schema.createTable('users'))
    .addColumn('username', 'varchar(32)', c => c.notNull())
    .addColumn('email', 'varchar(254)', c => c.notNull().unique())
    .addColumn('password_hash', 'varchar(255)', c => c.notNull())
    .addColumn('role', 'varchar(8)', c => c.notNull().defaultTo('user').check(sql`role in ('user', 'admin')`))
    .addColumn('approved_at', instant)
    .addColumn('email_opt_in', 'integer', c => c.notNull().defaultTo(1))
    .addColumn('last_seen_at', instant)
    .addColumn('created_at', instant, c => c.notNull())
    .execute()
  await db.schema.createIndex('users_username_lower_uq').on('users').unique().expression(sql`lower(username)`).execute()
  await db.schema.createIndex('users_created_at_idx').on('users').column('created_at').execute()

  await withId(db.schema.createTable('venues'))
    .addColumn('name', 'varchar(120)', c => c.notNull())
    .addColumn('place', 'varchar(120)', c => c.notNull())
    .addColumn('capacity', 'integer', c => c.notNull().check(sql`capacity > 0`))
    .addColumn('seats_per_row', 'integer', c => c.notNull().check(sql`seats_per_row > 0`))
    .addColumn('timezone', 'varchar(64)', c => c.notNull())
    .addColumn('created_at', instant, c => c.notNull())
    .execute()
  await db.schema.createIndex('venues_place_idx').on('venues').expression(sql`lower(place)`).execute()

  await withId(db.schema.createTable('shows'))
    .addColumn('name', 'varchar(200)', c => c.notNull())
    .addColumn('description', 'text', c => c.notNull().defaultTo(''))
    .addColumn('rating', 'real', c => c.check(sql`rating is null or (rating >= 0 and rating <= 10)`))
    .addColumn('duration_minutes', 'integer', c => c.notNull().check(sql`duration_minutes > 0`))
    .addColumn('ticket_price', 'integer', c => c.notNull().check(sql`ticket_price >= 0`))
    .addColumn('poster_key', 'varchar(200)')
    .addColumn('created_at', instant, c => c.notNull())
    .execute()
  await db.schema.createIndex('shows_created_at_idx').on('shows').column('created_at').execute()

  await db.schema.createTable('show_tags')
    .addColumn('show_id', 'integer', c => c.notNull().references('shows.id').onDelete('cascade'))
    .addColumn('tag', 'varchar(40)', c => c.notNull())
    .addPrimaryKeyConstraint('show_tags_pk', ['show_id', 'tag'])
    .execute()
  await db.schema.createIndex('show_tags_tag_idx').on('show_tags').columns(['tag', 'show_id']).execute()

  await withId(db.schema.createTable('screenings'))
    .addColumn('show_id', 'integer', c => c.notNull().references('shows.id'))
    .addColumn('venue_id', 'integer', c => c.notNull().references('venues.id'))
    .addColumn('starts_at', instant, c => c.notNull())
    .addColumn('ends_at', instant, c => c.notNull())
    .addColumn('price', 'integer', c => c.notNull().check(sql`price >= 0`))
    .addColumn('capacity', 'integer', c => c.notNull().check(sql`capacity > 0`))
    .addColumn('seats_sold', 'integer', c => c.notNull().defaultTo(0))
    .addCheckConstraint('screenings_seats_sold_ck', sql`seats_sold >= 0 and seats_sold <= capacity`)
    .execute()
  await db.schema.createIndex('screenings_show_starts_idx').on('screenings').columns(['show_id', 'starts_at']).execute()
  await db.schema.createIndex('screenings_venue_starts_idx').on('screenings').columns(['venue_id', 'starts_at']).execute()
  await db.schema.createIndex('screenings_starts_idx').on('screenings').column('starts_at').execute()

  await withId(db.schema.createTable('bookings'))
    .addColumn('reference', 'varchar(16)', c => c.notNull().unique())
    .addColumn('user_id', 'integer', c => c.notNull().references('users.id'))
    .addColumn('screening_id', 'integer', c => c.notNull().references('screenings.id'))
    .addColumn('quantity', 'integer', c => c.notNull().check(sql`quantity between 1 and 10`))
    .addColumn('unit_price', 'integer', c => c.notNull())
    .addColumn('total', 'integer', c => c.notNull())
    .addColumn('status', 'varchar(10)', c => c.notNull().check(sql`status in ('confirmed', 'cancelled')`))
    .addColumn('created_at', instant, c => c.notNull())
    .addColumn('updated_at', instant, c => c.notNull())
    .execute()
  await db.schema.createIndex('bookings_user_created_idx').on('bookings').columns(['user_id', 'created_at']).execute()
  await db.schema.createIndex('bookings_screening_idx').on('bookings').columns(['screening_id', 'status']).execute()

  await db.schema.createTable('booking_seats')
    .addColumn('screening_id', 'integer', c => c.notNull().references('screenings.id'))
    .addColumn('seat', 'varchar(8)', c => c.notNull())
    .addColumn('booking_id', 'integer', c => c.notNull().references('bookings.id').onDelete('cascade'))
    .addUniqueConstraint('booking_seats_screening_seat_uq', ['screening_id', 'seat'])
    .execute()
  await db.schema.createIndex('booking_seats_booking_idx').on('booking_seats').column('booking_id').execute()

  await withId(db.schema.createTable('outbox'))
    .addColumn('to', 'varchar(254)', c => c.notNull())
    .addColumn('subject', 'varchar(300)', c => c.notNull())
    .addColumn('html', 'text', c => c.notNull())
    .addColumn('text', 'text', c => c.notNull())
    .addColumn('kind', 'varchar(40)', c => c.notNull())
    .addColumn('dedupe_key', 'varchar(200)', c => c.notNull().unique())
    .addColumn('status', 'varchar(10)', c => c.notNull())
    .addColumn('attempts', 'integer', c => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', instant, c => c.notNull())
    .addColumn('sent_at', instant)
    .addColumn('last_error', 'text')
    .addColumn('created_at', instant, c => c.notNull())
    .execute()
  await db.schema.createIndex('outbox_due_idx').on('outbox').columns(['status', 'next_attempt_at']).execute()

  await db.schema.createTable('revoked_tokens')
    .addColumn('jti', 'varchar(64)', c => c.primaryKey())
    .addColumn('expires_at', instant, c => c.notNull())
    .execute()
  await db.schema.createIndex('revoked_tokens_expires_idx').on('revoked_tokens').column('expires_at').execute()

  await withId(db.schema.createTable('login_failures'))
    .addColumn('key', 'varchar(200)', c => c.notNull())
    .addColumn('created_at', instant, c => c.notNull())
    .execute()
  await db.schema.createIndex('login_failures_key_idx').on('login_failures').columns(['key', 'created_at']).execute()

  await withId(db.schema.createTable('task_runs'))
    .addColumn('name', 'varchar(80)', c => c.notNull())
    .addColumn('started_at', instant, c => c.notNull())
    .addColumn('finished_at', instant)
    .addColumn('result', 'text')
    .addColumn('error', 'text')
    .execute()
  await db.schema.createIndex('task_runs_name_idx').on('task_runs').columns(['name', 'started_at']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['task_runs', 'login_failures', 'revoked_tokens', 'outbox', 'booking_seats', 'bookings', 'screenings', 'show_tags', 'shows', 'venues', 'users'])
    await db.schema.dropTable(table).ifExists().execute()
}
