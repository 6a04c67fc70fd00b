import { afterEach, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { bookingIcs, bookingsCsv, cancelBooking, cancelScreening, changeBooking, createBooking, getBooking, holdSeats, listBookings, listScreeningBookings } from '../../server/domain/booking'
import { createUser, deleteUser } from '../../server/domain/accounts'
import { createScreening, createShow, createVenue, getScreeningDetail, updateScreening } from '../../server/domain/catalog'
import type { Db } from '../../server/db'
import { Conflict } from '../../server/domain/errors'
import { BookingCreateSchema, BookingPatchSchema } from '#shared/schemas/booking'
import { refusal, rejection, unique, useTestDb } from '../helpers/fixtures'

const NOW = new Date('2031-03-01T12:00:00.000Z')
const HOUR = 3_600_000
const at = (ms: number) => new Date(NOW.getTime() + ms)

let db: Db
useTestDb(made => (db = made))

/** For every screening: seats_sold, its booking_seats rows, and the seats of its confirmed bookings. */
async function counters() {
  const rows = await db.selectFrom('screenings as s')
    .select([
      's.id', 's.capacity', 's.seats_sold',
      eb => eb.selectFrom('booking_seats as bs').select(eb.fn.countAll<number>().as('n')).whereRef('bs.screening_id', '=', 's.id').as('seat_rows'),
      eb => eb.selectFrom('bookings as b').select(sub => sub.fn.coalesce(sub.fn.sum<number>('b.quantity'), sql<number>`0`).as('q')).whereRef('b.screening_id', '=', 's.id').where('b.status', '=', 'confirmed').as('confirmed_seats'),
    ]).execute()
  return rows.map(r => ({ id: r.id, capacity: r.capacity, seatsSold: Number(r.seats_sold), seatRows: Number(r.seat_rows), confirmedSeats: Number(r.confirmed_seats) }))
}

/** Bookings whose seat list disagrees with their booking_seats rows or their quantity. */
async function bookingsOutOfStep() {
  const bookings = await db.selectFrom('bookings').select(['id', 'status', 'quantity', 'seats']).execute()
  const rows = await db.selectFrom('booking_seats').select(['booking_id', 'seat']).execute()
  return bookings.filter((b) => {
    const held = rows.filter(r => r.booking_id === b.id).map(r => r.seat).sort()
    if (b.status === 'cancelled') return held.length > 0
    const listed = b.seats.split(',').filter(Boolean).sort()
    return held.length !== b.quantity || listed.join() !== held.join()
  })
}

// The rule of DESIGN.md: after anything at all, every screening's counter equals its seat rows.
afterEach(async () => {
  for (const c of await counters()) {
    expect(c.seatsSold, `screening ${c.id}: seats_sold vs booking_seats rows`).toBe(c.seatRows)
    expect(c.seatsSold, `screening ${c.id}: seats_sold vs confirmed bookings`).toBe(c.confirmedSeats)
    expect(c.seatsSold).toBeLessThanOrEqual(c.capacity)
  }
  expect(await bookingsOutOfStep()).toEqual([])
})

/** A venue of its own, a show and one screening a day after NOW. */
async function screening(opts: { capacity?: number, seatsPerRow?: number, price?: number, startsAt?: Date, timezone?: string, showName?: string } = {}) {
  const venue = await createVenue(db, { name: unique('Hall '), place: 'Pune', capacity: opts.capacity ?? 50, seatsPerRow: opts.seatsPerRow ?? 10, timezone: opts.timezone ?? 'Asia/Kolkata' }, 'Asia/Kolkata', NOW)
  const show = await createShow(db, { name: opts.showName ?? unique('Show '), tags: [], ticketPrice: 700, durationMinutes: 90 }, NOW)
  const s = await createScreening(db, { showId: show.id, venueId: venue.id, startsAt: (opts.startsAt ?? at(24 * HOUR)).toISOString(), price: opts.price ?? 500 }, NOW)
  return { ...s, venue, show }
}

async function user() {
  const name = unique()
  return createUser(db, { username: name, email: `${name}@example.test`, password: 'correct-horse-battery' }, NOW)
}

async function seatsSold(id: number): Promise<number> {
  const row = await db.selectFrom('screenings').select('seats_sold').where('id', '=', id).executeTakeFirstOrThrow()
  return Number(row.seats_sold)
}

async function takenSeats(id: number): Promise<string[]> {
  return (await getScreeningDetail(db, id))!.seats.filter(s => s.taken).map(s => s.label)
}

describe('createBooking', () => {
  it('books the best seats for a quantity: together, in the middle row, centred', async () => {
    const s = await screening()
    const u = await user()
    const b = await createBooking(db, u.id, { screeningId: s.id, quantity: 2 }, NOW)
    expect(b).toMatchObject({
      id: expect.any(Number),
      reference: expect.stringMatching(/^[2-9A-HJ-NP-Z]{8}$/),
      status: 'confirmed',
      quantity: 2,
      seats: ['C5', 'C6'],
      unitPrice: 500,
      total: 1000,
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
      screening: { id: s.id, startsAt: s.startsAt, show: { id: s.show.id, name: s.show.name }, venue: { id: s.venue.id, name: s.venue.name, place: 'Pune' } },
    })
    expect(await seatsSold(s.id)).toBe(2)
    expect(await takenSeats(s.id)).toEqual(['C5', 'C6'])
  })

  it('books many at once over two screenings apart from each other, around seats held by others, none twice', async () => {
    const a = await screening({ capacity: 20, seatsPerRow: 10 })
    const b = await screening({ capacity: 20, seatsPerRow: 10 })
    await createBooking(db, (await user()).id, { screeningId: a.id, seats: ['A5', 'A6'] }, NOW)
    const holder = await user()
    await holdSeats(db, holder.id, b.id, ['A5', 'A6', 'B5', 'B6'], 10, NOW)
    const buyers = await Promise.all(Array.from({ length: 8 }, () => user()))
    const made = await Promise.all(buyers.map((u, i) => createBooking(db, u.id, { screeningId: i % 2 ? b.id : a.id, quantity: 2 }, NOW)))
    const seatsOf = (id: number) => made.filter(m => m.screening.id === id).flatMap(m => m.seats)
    for (const id of [a.id, b.id]) expect(new Set(seatsOf(id)).size).toBe(8)
    expect(seatsOf(a.id)).not.toContain('A5')
    expect(seatsOf(b.id).filter(seat => ['A5', 'A6', 'B5', 'B6'].includes(seat))).toEqual([])
    // The holder books among the seats they hold.
    expect((await createBooking(db, holder.id, { screeningId: b.id, seats: ['B5', 'B6'] }, NOW)).seats).toEqual(['B5', 'B6'])
    expect(await seatsSold(a.id)).toBe(10)
  })

  it('when two ask at once for the same seat, books it for one, refuses the other, and books the rest made with them', async () => {
    const s = await screening({ capacity: 20, seatsPerRow: 10 })
    const [first, second, ...others] = await Promise.all(Array.from({ length: 5 }, () => user()))
    const results = await Promise.allSettled([
      createBooking(db, first!.id, { screeningId: s.id, seats: ['B3', 'B4'] }, NOW),
      ...others.map(u => createBooking(db, u.id, { screeningId: s.id, quantity: 1 }, NOW)),
      createBooking(db, second!.id, { screeningId: s.id, seats: ['B4', 'B5'] }, NOW),
    ])
    const mine = [results[0]!, results.at(-1)!]
    expect(mine.filter(r => r.status === 'fulfilled')).toHaveLength(1)
    const refused = mine.find(r => r.status === 'rejected') as PromiseRejectedResult
    expect(refused.reason).toBeInstanceOf(Conflict)
    expect(results.slice(1, -1).every(r => r.status === 'fulfilled')).toBe(true)
    expect(await seatsSold(s.id)).toBe(2 + others.length)
    expect(await takenSeats(s.id)).toContain('B4')
  })

  it('books exactly the seats asked for, in reading order', async () => {
    const s = await screening()
    const u = await user()
    const b = await createBooking(db, u.id, { screeningId: s.id, seats: ['B10', 'A2', 'B1'] }, NOW)
    expect(b.seats).toEqual(['A2', 'B1', 'B10'])
    expect(b.quantity).toBe(3)
    expect(b.total).toBe(1500)
    expect(await takenSeats(s.id)).toEqual(['A2', 'B1', 'B10'])
    // What the booking call answers is exactly what reading it back gives.
    expect(await getBooking(db, u.id, b.id)).toEqual(b)
  })

  it('fixes the unit price at booking time: a later price change does not touch it, total = unit price × quantity', async () => {
    const s = await screening({ price: 450 })
    const u = await user()
    const b = await createBooking(db, u.id, { screeningId: s.id, quantity: 3 }, NOW)
    expect(b.unitPrice).toBe(450)
    expect(b.total).toBe(1350)

    await updateScreening(db, s.id, { price: 990 }, NOW)
    expect((await getBooking(db, u.id, b.id))!).toMatchObject({ unitPrice: 450, total: 1350 })
    // Changing the quantity keeps the price it was bought at.
    expect(await changeBooking(db, u.id, b.id, { quantity: 5 }, NOW)).toMatchObject({ quantity: 5, unitPrice: 450, total: 2250 })
    // A new booking pays the new price.
    expect(await createBooking(db, u.id, { screeningId: s.id, quantity: 2 }, NOW)).toMatchObject({ unitPrice: 990, total: 1980 })
  })

  it('takes 1 to 10 seats: the schemas refuse 0, 11, 1.5, "2", both ways at once and malformed seats', () => {
    for (const quantity of [1, 10]) expect(BookingCreateSchema.safeParse({ screeningId: 1, quantity }).success).toBe(true)
    for (const quantity of [0, 11, -1, 1.5, '2', null]) expect(BookingCreateSchema.safeParse({ screeningId: 1, quantity }).success, `quantity ${JSON.stringify(quantity)}`).toBe(false)
    const bad: unknown[] = [
      { quantity: 2 },
      { screeningId: '1', quantity: 2 },
      { screeningId: 1 },
      { screeningId: 1, quantity: 2, seats: ['A1', 'A2'] },
      { screeningId: 1, seats: [] },
      { screeningId: 1, seats: ['c7'] },
      { screeningId: 1, seats: ['C0'] },
      { screeningId: 1, seats: ['7C'] },
      { screeningId: 1, seats: ['A1', 'A1'] },
      { screeningId: 1, seats: Array.from({ length: 11 }, (_, i) => `A${i + 1}`) },
    ]
    for (const body of bad) expect(BookingCreateSchema.safeParse(body).success, JSON.stringify(body)).toBe(false)
    expect(BookingCreateSchema.safeParse({ screeningId: 1, seats: Array.from({ length: 10 }, (_, i) => `A${i + 1}`) }).success).toBe(true)
    for (const body of [{}, { quantity: 0 }, { quantity: 11 }, { quantity: '2' }, { quantity: 2, seats: ['A1', 'A2'] }, { seats: ['A1', 'A1'] }])
      expect(BookingPatchSchema.safeParse(body).success, JSON.stringify(body)).toBe(false)
  })

  it('books 10 seats at once, and the tenth booking of one seat when only one is left', async () => {
    const s = await screening({ capacity: 12, seatsPerRow: 6 })
    const u = await user()
    expect((await createBooking(db, u.id, { screeningId: s.id, quantity: 10 }, NOW)).seats).toHaveLength(10)
    await createBooking(db, u.id, { screeningId: s.id, quantity: 1 }, NOW)
    await createBooking(db, u.id, { screeningId: s.id, quantity: 1 }, NOW)
    expect(await seatsSold(s.id)).toBe(12)
  })

  it('refuses seats that are not in the layout with 400, and books nothing', async () => {
    // 23 seats, 10 a row: A1–A10, B1–B10, C1–C3.
    const s = await screening({ capacity: 23, seatsPerRow: 10 })
    const u = await user()
    for (const seats of [['A11'], ['C4'], ['D1'], ['Z99'], ['A1', 'AA1']]) {
      const err = await rejection(createBooking(db, u.id, { screeningId: s.id, seats }, NOW))
      expect(err.statusCode, seats.join()).toBe(400)
    }
    expect(await seatsSold(s.id)).toBe(0)
    expect((await createBooking(db, u.id, { screeningId: s.id, seats: ['C3'] }, NOW)).seats).toEqual(['C3'])
  })

  it('answers 409 with data.seatsLeft when not enough seats are left, and books nothing', async () => {
    const s = await screening({ capacity: 5, seatsPerRow: 5 })
    const u = await user()
    await createBooking(db, u.id, { screeningId: s.id, quantity: 4 }, NOW)
    const err = await rejection(createBooking(db, u.id, { screeningId: s.id, quantity: 2 }, NOW))
    expect(err.statusCode).toBe(409)
    expect(err.data).toMatchObject({ seatsLeft: 1 })
    expect(await seatsSold(s.id)).toBe(4)
  })

  it('answers 409 with data.seatsLeft when a seat asked for is taken, and books none of them', async () => {
    const s = await screening()
    const [a, b] = [await user(), await user()]
    await createBooking(db, a.id, { screeningId: s.id, seats: ['A1', 'A2'] }, NOW)
    const err = await rejection(createBooking(db, b.id, { screeningId: s.id, seats: ['A2', 'A3'] }, NOW))
    expect(err.statusCode).toBe(409)
    expect(err.data).toMatchObject({ seatsLeft: 48 })
    expect(await takenSeats(s.id)).toEqual(['A1', 'A2'])
    expect((await listBookings(db, b.id, { page: 1, pageSize: 20 })).total).toBe(0)
  })

  it('answers 404 for an unknown or cancelled screening', async () => {
    const u = await user()
    expect((await rejection(createBooking(db, u.id, { screeningId: 999_999, quantity: 1 }, NOW))).statusCode).toBe(404)
    const s = await screening()
    await cancelScreening(db, s.id, NOW)
    expect((await rejection(createBooking(db, u.id, { screeningId: s.id, quantity: 1 }, NOW))).statusCode).toBe(404)
  })
})

// On SQLite the booking path keeps each screening's taken seats in memory between bookings,
// trusted only while the screening's seats_version agrees (domain/seat-cache.ts). Whatever
// changes the seats, by whatever path, must show at once; on PostgreSQL the same holds.
describe('the taken seats between one booking and the next', () => {
  it('offers a seat again as soon as a cancel or a change frees it', async () => {
    const s = await screening()
    const u = await user()
    const first = await createBooking(db, u.id, { screeningId: s.id, quantity: 1 }, NOW)
    expect(first.seats).toEqual(['C5'])
    await cancelBooking(db, u.id, first.id, NOW)
    const second = await createBooking(db, u.id, { screeningId: s.id, quantity: 1 }, NOW)
    expect(second.seats).toEqual(['C5'])
    await changeBooking(db, u.id, second.id, { seats: ['A1'] }, NOW)
    expect((await createBooking(db, u.id, { screeningId: s.id, quantity: 1 }, NOW)).seats).toEqual(['C5'])
  })

  it('never offers a seat taken behind the booking path\'s back (another process on the same file)', async () => {
    const s = await screening()
    const u = await user()
    expect((await createBooking(db, u.id, { screeningId: s.id, quantity: 1 }, NOW)).seats).toEqual(['C5'])
    const nowIso = NOW.toISOString()
    const row = await db.insertInto('bookings').values({ reference: unique('R').slice(0, 16), user_id: u.id, screening_id: s.id, quantity: 1, unit_price: 500, total: 500, status: 'confirmed', seats: 'C6', created_at: nowIso, updated_at: nowIso })
      .returning('id').executeTakeFirstOrThrow()
    await db.insertInto('booking_seats').values({ screening_id: s.id, seat: 'C6', booking_id: row.id }).execute()
    await db.updateTable('screenings').set(eb => ({ seats_sold: eb('seats_sold', '+', 1) })).where('id', '=', s.id).execute()
    // C6 would be next; a stale memory would pick it and fail on the unique seat instead.
    expect((await createBooking(db, u.id, { screeningId: s.id, quantity: 1 }, NOW)).seats).toEqual(['C4'])
  })

  it('leaves free the seats of a booking that failed after choosing them', async () => {
    const s = await screening()
    const u = await user()
    const first = await createBooking(db, u.id, { screeningId: s.id, quantity: 1 }, NOW)
    // Fails on its outbox row (no address), after its seat row (C6) was written: rolled back.
    const broken = { to: null as unknown as string, ctx: { siteUrl: 'http://localhost:3000', currency: 'INR' } }
    await expect(createBooking(db, u.id, { screeningId: s.id, quantity: 1 }, NOW, broken)).rejects.toThrow()
    expect(await takenSeats(s.id)).toEqual(['C5'])
    // The cancel brings the seat counter back to where the failed booking left its memory.
    await cancelBooking(db, u.id, first.id, NOW)
    expect((await createBooking(db, u.id, { screeningId: s.id, quantity: 1 }, NOW)).seats).toEqual(['C5'])
    expect(await takenSeats(s.id)).toEqual(['C5'])
  })
})

describe('changeBooking', () => {
  it('adds seats next to the ones held, or lets go of the last ones, and moves the total', async () => {
    const s = await screening()
    const u = await user()
    const b = await createBooking(db, u.id, { screeningId: s.id, quantity: 2 }, NOW)
    const later = at(HOUR)
    const up = (await changeBooking(db, u.id, b.id, { quantity: 4 }, later))!
    expect(up.seats).toHaveLength(4)
    expect(up.seats).toEqual(expect.arrayContaining(['C5', 'C6']))
    expect(up.seats.every(seat => seat.startsWith('C'))).toBe(true)
    expect(up).toMatchObject({ quantity: 4, total: 2000, createdAt: NOW.toISOString(), updatedAt: later.toISOString() })
    const down = (await changeBooking(db, u.id, b.id, { quantity: 1 }, later))!
    expect(down).toMatchObject({ quantity: 1, total: 500, seats: [up.seats[0]] })
    expect(await seatsSold(s.id)).toBe(1)
    expect(await takenSeats(s.id)).toEqual([up.seats[0]])
  })

  it('moves a booking to exactly the seats given, freeing the old ones', async () => {
    const s = await screening()
    const u = await user()
    const b = await createBooking(db, u.id, { screeningId: s.id, seats: ['A1', 'A2'] }, NOW)
    const moved = (await changeBooking(db, u.id, b.id, { seats: ['A2', 'E9', 'E10'] }, NOW))!
    expect(moved).toMatchObject({ quantity: 3, seats: ['A2', 'E9', 'E10'], total: 1500 })
    expect(await takenSeats(s.id)).toEqual(['A2', 'E9', 'E10'])
  })

  it('keeps the old seats when the new ones cannot be had (409), by seats or by quantity', async () => {
    const s = await screening({ capacity: 10, seatsPerRow: 5 })
    const [a, b] = [await user(), await user()]
    const mine = await createBooking(db, a.id, { screeningId: s.id, seats: ['A1', 'A2'] }, NOW)
    await createBooking(db, b.id, { screeningId: s.id, seats: ['A3', 'B1', 'B2', 'B3', 'B4', 'B5'] }, NOW)

    const clash = await rejection(changeBooking(db, a.id, mine.id, { seats: ['A3', 'A4'] }, NOW))
    expect(clash.statusCode).toBe(409)
    expect(clash.data).toMatchObject({ seatsLeft: 2 })
    const tooMany = await rejection(changeBooking(db, a.id, mine.id, { quantity: 5 }, NOW))
    expect(tooMany.statusCode).toBe(409)
    expect(tooMany.data).toMatchObject({ seatsLeft: 2 })
    const outside = await rejection(changeBooking(db, a.id, mine.id, { seats: ['C1'] }, NOW))
    expect(outside.statusCode).toBe(400)

    expect(await getBooking(db, a.id, mine.id)).toMatchObject({ quantity: 2, seats: ['A1', 'A2'], total: 1000, updatedAt: NOW.toISOString() })
    expect(await seatsSold(s.id)).toBe(8)
    expect(await takenSeats(s.id)).toEqual(['A1', 'A2', 'A3', 'B1', 'B2', 'B3', 'B4', 'B5'])
    // The seats that really are free can still be had.
    expect((await changeBooking(db, a.id, mine.id, { quantity: 4 }, NOW))!.seats).toEqual(['A1', 'A2', 'A4', 'A5'])
  })

  it('refuses to change a cancelled booking (409)', async () => {
    const s = await screening()
    const u = await user()
    const b = await createBooking(db, u.id, { screeningId: s.id, quantity: 2 }, NOW)
    await cancelBooking(db, u.id, b.id, NOW)
    expect((await rejection(changeBooking(db, u.id, b.id, { quantity: 3 }, NOW))).statusCode).toBe(409)
    expect(await seatsSold(s.id)).toBe(0)
  })
})

describe('cancelBooking', () => {
  it('frees the seats once, however often it is called', async () => {
    const s = await screening()
    const u = await user()
    const other = await createBooking(db, u.id, { screeningId: s.id, quantity: 1 }, NOW)
    const b = await createBooking(db, u.id, { screeningId: s.id, quantity: 3 }, NOW)
    expect(await seatsSold(s.id)).toBe(4)

    const first = (await cancelBooking(db, u.id, b.id, at(HOUR)))!
    expect(first.cancelledNow).toBe(true)
    expect(first.booking).toMatchObject({ status: 'cancelled', quantity: 3, seats: b.seats, updatedAt: at(HOUR).toISOString() })
    expect(await seatsSold(s.id)).toBe(1)

    const again = await Promise.all([cancelBooking(db, u.id, b.id, at(2 * HOUR)), cancelBooking(db, u.id, b.id, at(2 * HOUR))])
    expect(again.map(r => r!.cancelledNow)).toEqual([false, false])
    expect(await seatsSold(s.id)).toBe(1)
    expect(await takenSeats(s.id)).toEqual(other.seats)
  })

  it('cancels each booking once when the same cancel races with itself', async () => {
    const s = await screening()
    const u = await user()
    const b = await createBooking(db, u.id, { screeningId: s.id, quantity: 4 }, NOW)
    await createBooking(db, u.id, { screeningId: s.id, quantity: 2 }, NOW)
    const results = await Promise.all(Array.from({ length: 6 }, () => cancelBooking(db, u.id, b.id, NOW)))
    expect(results.filter(r => r!.cancelledNow)).toHaveLength(1)
    expect(await seatsSold(s.id)).toBe(2)
  })
})

describe('ownership', () => {
  it('hides another user\'s booking from get, change, cancel and the calendar (not found, never a change)', async () => {
    const s = await screening()
    const [owner, stranger] = [await user(), await user()]
    const b = await createBooking(db, owner.id, { screeningId: s.id, quantity: 2 }, NOW)
    expect((await rejection(getBooking(db, stranger.id, b.id))).statusCode).toBe(404)
    expect((await rejection(bookingIcs(db, stranger.id, b.id, 'http://localhost:3000', NOW))).statusCode).toBe(404)
    expect((await rejection(cancelBooking(db, stranger.id, b.id, NOW))).statusCode).toBe(404)
    expect((await rejection(changeBooking(db, stranger.id, b.id, { quantity: 1 }, NOW))).statusCode).toBe(404)
    expect(await getBooking(db, owner.id, b.id)).toMatchObject({ status: 'confirmed', quantity: 2, seats: b.seats })
    expect((await listBookings(db, stranger.id, { page: 1, pageSize: 20 })).items).toEqual([])
  })
})

describe('once the screening has started', () => {
  it('refuses to book, change or cancel (409), and changes nothing', async () => {
    const startsAt = at(2 * HOUR)
    const s = await screening({ startsAt })
    const u = await user()
    const b = await createBooking(db, u.id, { screeningId: s.id, quantity: 2 }, NOW)
    for (const when of [startsAt, new Date(startsAt.getTime() + 60_000)]) {
      expect((await rejection(createBooking(db, u.id, { screeningId: s.id, quantity: 1 }, when))).statusCode).toBe(409)
      expect((await rejection(createBooking(db, u.id, { screeningId: s.id, seats: ['A1'] }, when))).statusCode).toBe(409)
      expect((await rejection(changeBooking(db, u.id, b.id, { quantity: 3 }, when))).statusCode).toBe(409)
      expect((await rejection(changeBooking(db, u.id, b.id, { seats: ['A1'] }, when))).statusCode).toBe(409)
      expect((await rejection(cancelBooking(db, u.id, b.id, when))).statusCode).toBe(409)
    }
    expect(await getBooking(db, u.id, b.id)).toMatchObject({ status: 'confirmed', quantity: 2, seats: b.seats })
    expect(await seatsSold(s.id)).toBe(2)
    // A second before the start it still works.
    expect(await createBooking(db, u.id, { screeningId: s.id, quantity: 1 }, new Date(startsAt.getTime() - 1000))).toMatchObject({ quantity: 1 })
  })
})

describe('listBookings and listScreeningBookings', () => {
  it('lists a user\'s own bookings newest first, a page at a time', async () => {
    const s = await screening()
    const u = await user()
    const ids: number[] = []
    for (let i = 0; i < 5; i++) ids.push((await createBooking(db, u.id, { screeningId: s.id, quantity: 1 }, at(i * 1000))).id)
    const first = await listBookings(db, u.id, { page: 1, pageSize: 2 })
    expect(first).toMatchObject({ total: 5, page: 1, pageSize: 2 })
    expect(first.items.map(b => b.id)).toEqual([ids[4], ids[3]])
    expect((await listBookings(db, u.id, { page: 3, pageSize: 2 })).items.map(b => b.id)).toEqual([ids[0]])
    await cancelBooking(db, u.id, ids[2]!, NOW)
    expect((await listBookings(db, u.id, { page: 1, pageSize: 20, status: 'cancelled' })).items.map(b => b.id)).toEqual([ids[2]])
  })

  it('tells an admin who booked which seats, and not-found for an unknown screening', async () => {
    const s = await screening()
    const [a, b] = [await user(), await user()]
    await createBooking(db, a.id, { screeningId: s.id, seats: ['A1'] }, NOW)
    await createBooking(db, b.id, { screeningId: s.id, seats: ['B1', 'B2'] }, at(1000))
    const list = (await listScreeningBookings(db, s.id))!
    expect(list.map(x => [x.user.username, x.seats])).toEqual([[b.username, ['B1', 'B2']], [a.username, ['A1']]])
    expect((await rejection(listScreeningBookings(db, 999_999))).statusCode).toBe(404)
  })
})

describe('cancelScreening', () => {
  it('cancels every booking, frees every seat, and keeps the screening as cancelled', async () => {
    const s = await screening()
    const [a, b] = [await user(), await user()]
    const x = await createBooking(db, a.id, { screeningId: s.id, quantity: 3 }, NOW)
    const y = await createBooking(db, b.id, { screeningId: s.id, quantity: 2 }, NOW)
    const gone = (await cancelScreening(db, s.id, NOW))!
    expect(gone.map(g => g.id).sort()).toEqual([x.id, y.id].sort())
    expect((await getBooking(db, a.id, x.id))!.status).toBe('cancelled')
    expect((await getBooking(db, b.id, y.id))!.status).toBe('cancelled')
    expect(await seatsSold(s.id)).toBe(0)
    expect((await rejection(getScreeningDetail(db, s.id))).statusCode).toBe(404)
    // Its owners can still see what they had, and cancelling again is harmless.
    expect((await getBooking(db, a.id, x.id))!.seats).toEqual(x.seats)
    expect((await cancelBooking(db, a.id, x.id, NOW))!.cancelledNow).toBe(false)
  })

  it('refuses to cancel a screening that has started when it has bookings: they are history', async () => {
    const s = await screening()
    const a = await user()
    const x = await createBooking(db, a.id, { screeningId: s.id, quantity: 2 }, NOW)
    const later = new Date(new Date(s.startsAt).getTime() + 60_000)
    expect(await rejection(cancelScreening(db, s.id, later))).toMatchObject({ statusCode: 409 })
    expect((await getBooking(db, a.id, x.id))!.status).toBe('confirmed')
    expect(await seatsSold(s.id)).toBe(2)
  })
})

describe('concurrent changes of one booking', () => {
  it('keep the counters true whatever order changes, cancels and new bookings run in', async () => {
    const s = await screening({ capacity: 20, seatsPerRow: 5 })
    const [a, b] = [await user(), await user()]
    const mine = await createBooking(db, a.id, { screeningId: s.id, quantity: 2 }, NOW)
    const ops: Promise<unknown>[] = []
    for (let i = 0; i < 12; i++) {
      ops.push(changeBooking(db, a.id, mine.id, { quantity: (i % 5) + 1 }, NOW))
      ops.push(createBooking(db, b.id, { screeningId: s.id, quantity: 1 }, NOW))
    }
    ops.push(changeBooking(db, a.id, mine.id, { seats: ['D1', 'D2'] }, NOW))
    ops.push(cancelBooking(db, a.id, mine.id, NOW))
    const settled = await Promise.allSettled(ops)
    for (const r of settled) {
      if (r.status === 'rejected') expect(refusal(r.reason).statusCode, String(r.reason)).toBe(409)
    }
    // The afterEach check compares every counter with the seat rows.
  })

  it('keep the counters true when the user is deleted while changing and cancelling', async () => {
    const s = await screening({ capacity: 20, seatsPerRow: 5 })
    const [a, admin] = [await user(), await user()]
    const bookings = await Promise.all([1, 2, 3].map(quantity => createBooking(db, a.id, { screeningId: s.id, quantity }, NOW)))
    const ops: Promise<unknown>[] = [
      cancelBooking(db, a.id, bookings[0]!.id, NOW),
      changeBooking(db, a.id, bookings[1]!.id, { quantity: 4 }, NOW),
      deleteUser(db, a.id, admin.id, { cancelBookings: true }),
      cancelBooking(db, a.id, bookings[2]!.id, NOW),
      changeBooking(db, a.id, bookings[1]!.id, { quantity: 1 }, NOW),
    ]
    for (const r of await Promise.allSettled(ops)) {
      if (r.status === 'rejected') expect([404, 409], String(r.reason)).toContain(refusal(r.reason).statusCode)
    }
    expect(await seatsSold(s.id)).toBe(0)
  })
})

describe('exports', () => {
  it('writes CSV with start times in the venue\'s timezone and formulas escaped', async () => {
    const s = await screening({ timezone: 'America/New_York', startsAt: new Date('2031-07-15T23:30:00Z'), showName: '=HYPERLINK("http://x","y")' })
    const u = await user()
    await createBooking(db, u.id, { screeningId: s.id, seats: ['A1', 'A2'] }, NOW)
    const csv = await bookingsCsv(db, u.id, 'INR')
    const [header, row] = csv.split('\r\n')
    expect(header).toContain('Reference')
    expect(row).toContain('"\'=HYPERLINK(""http://x"",""y"")"')
    expect(row).toContain('2031-07-15 19:30')
    expect(row).toContain('America/New_York')
    expect(row).toContain('A1 A2')
    expect(row).toContain('10.00')
  })

  it('writes an iCalendar event with the start in UTC', async () => {
    const s = await screening({ startsAt: new Date('2031-07-15T23:30:00Z') })
    const u = await user()
    const b = await createBooking(db, u.id, { screeningId: s.id, quantity: 1 }, NOW)
    const { ics } = (await bookingIcs(db, u.id, b.id, 'http://localhost:3000/', NOW))!
    expect(ics).toContain('BEGIN:VEVENT')
    expect(ics).toContain('DTSTART:20310715T233000Z')
    expect(ics).toContain('DTEND:20310716T010000Z')
    expect(ics).toContain(`URL:http://localhost:3000/bookings/${b.id}`)
    for (const line of ics.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75)
  })
})
