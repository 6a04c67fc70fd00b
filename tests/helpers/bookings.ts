import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { openDb } from '../../server/db'
import type { Db } from '../../server/db'
import type { BookingStatus } from '../../server/db/schema'

// There is no booking API yet: these helpers sell seats the way a booking will, by writing
// bookings, booking_seats and the screening's seats_sold counter in one transaction.

/** A user row to own test bookings (made once per database). */
async function bookingOwner(db: Db): Promise<number> {
  const username = `booker_${randomBytes(6).toString('hex')}`
  const row = await db.insertInto('users').values({
    username,
    email: `${username}@example.test`,
    password_hash: 'not-a-real-hash',
    role: 'user',
    approved_at: new Date().toISOString(),
    created_at: new Date().toISOString(),
  }).returning('id').executeTakeFirstOrThrow()
  return row.id
}

const owners = new WeakMap<Db, Promise<number>>()

/**
 * Books the given seats of a screening. A confirmed booking holds its seats (booking_seats)
 * and counts in seats_sold; a cancelled one holds nothing, as after a cancellation.
 */
export async function sellSeats(db: Db, screeningId: number, seats: string[], status: BookingStatus = 'confirmed'): Promise<{ id: number, reference: string, userId: number }> {
  if (!owners.has(db)) owners.set(db, bookingOwner(db))
  const userId = await owners.get(db)!
  const reference = randomBytes(5).toString('hex').toUpperCase()
  const now = new Date().toISOString()
  return db.transaction().execute(async (trx) => {
    const booking = await trx.insertInto('bookings').values({
      reference,
      user_id: userId,
      screening_id: screeningId,
      quantity: seats.length,
      unit_price: 10_000,
      total: 10_000 * seats.length,
      status,
      created_at: now,
      updated_at: now,
    }).returning('id').executeTakeFirstOrThrow()
    if (status === 'confirmed') {
      await trx.insertInto('booking_seats').values(seats.map(seat => ({ screening_id: screeningId, seat, booking_id: booking.id }))).execute()
      await trx.updateTable('screenings').set(eb => ({ seats_sold: eb('seats_sold', '+', seats.length) })).where('id', '=', screeningId).execute()
    }
    return { id: booking.id, reference, userId }
  })
}

/** Opens the database a test server runs on (its SQLite file, or its PostgreSQL database). */
export function openServerDb(server: { dataDir: string, databaseUrl: string }): Db {
  return openDb(server.databaseUrl || join(server.dataDir, 'ticketshow.sqlite')).db
}
