import { Migrator, sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { migrateToLatest, openDb } from '../../server/db'
import { migrationProvider } from '../../server/db/migrations'
import { makeScreening, makeUser, rejection, sellSeats } from '../helpers/fixtures'
import { TEST_DATABASE_URL, createPgDatabase } from '../helpers/pg'

// Migration 0015 on a database with people and bookings in it: on SQLite it rebuilds the
// users table to widen the role CHECK, which must keep every row, index and foreign key.

describe('migration 0015_checkin', () => {
  it('keeps users and bookings, lets in the staff role and nothing else, and keeps the constraints', async () => {
    const pg = TEST_DATABASE_URL ? await createPgDatabase() : undefined
    const { db } = openDb(pg?.url ?? ':memory:')
    try {
      expect((await new Migrator({ db, provider: migrationProvider }).migrateTo('0014_halls')).error).toBeUndefined()
      const user = await makeUser(db)
      const screening = await makeScreening(db, { startsAt: new Date(Date.now() + 86_400_000).toISOString() })
      const booking = await sellSeats(db, screening.id, ['A1', 'A2'])
      await migrateToLatest(db)

      expect(await db.selectFrom('users').select(['id', 'username']).where('id', '=', user.id).executeTakeFirst()).toEqual({ id: user.id, username: user.username })
      expect(await db.selectFrom('bookings').select(['id', 'checked_in_at', 'checked_in_by']).where('id', '=', booking.id).executeTakeFirst()).toEqual({ id: booking.id, checked_in_at: null, checked_in_by: null })
      await db.updateTable('users').set({ role: 'staff' }).where('id', '=', user.id).execute()
      await expect(sql`update users set role = 'root' where id = ${user.id}`.execute(db)).rejects.toThrow(/check/i)
      // the case-insensitive unique username index came back
      expect((await rejection(makeUser(db, { username: user.username.toUpperCase() }))).statusCode).toBe(409)
      // and bookings still refer to real users
      await expect(sql`update bookings set user_id = 999999 where id = ${booking.id}`.execute(db)).rejects.toThrow(/foreign key/i)
    }
    finally {
      await db.destroy()
      await pg?.drop()
    }
  })
})
