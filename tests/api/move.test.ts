import { afterAll, afterEach, describe, expect, it } from 'vitest'
import type { Db } from '../../server/db'
import { materialize } from '../../server/domain/mail'
import { inspectDb } from '../helpers/inspect'
import type { DbSnapshot } from '../helpers/inspect'
import { TEST_DATABASE_URL, createPgDatabase } from '../helpers/pg'
import { ADMIN, createApprovedUser, login, request, startServer, useTestServer } from '../helpers/server'
import type { TestServer } from '../helpers/server'
import { openServerDb, unique } from '../helpers/fixtures'
import type { HallLayout } from '#shared/layout'
import type { Booking, ScreeningDetail } from '#shared/types/api'

// Moving a booking to another showtime of its show, over HTTP on the built server (SQLite,
// or PostgreSQL with TEST_DATABASE_URL; the two-instance race always on PostgreSQL): the
// booking keeps its id and reference and is either entirely at the new screening or
// entirely where it was.

const DAY = 86_400_000
const PG_BASE = TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const SECRET = 'move-test-secret-shared-by-both-instances-000'

let server: TestServer
let adminToken: string
let db: Db

useTestServer((ready) => {
  ({ server, adminToken } = ready)
  db = openServerDb(server)
}, { env: { NUXT_AUTH_SECRET: SECRET } })
afterAll(() => db?.destroy())

function expectConsistent(snap: DbSnapshot) {
  for (const s of snap.screenings) {
    expect(s.seatsSold, `screening ${s.id}: seats_sold vs booking_seats rows`).toBe(s.seatRows)
    expect(s.seatsSold, `screening ${s.id}: seats_sold vs confirmed bookings`).toBe(s.confirmedSeats)
    expect(s.seatsSold).toBeLessThanOrEqual(s.capacity)
  }
  expect(snap.bookingsOutOfStep).toEqual([])
  expect(snap.doubleSold).toEqual([])
}

afterEach(async () => expectConsistent(await inspectDb(server)))

type Reply = Booking & { statusCode?: number, message?: string, data?: { seatsLeft?: number, taken?: string[], issues?: unknown[] } }

/** Rows A–B Classic and C–D Prime, seven seats each. */
const hall = (): HallLayout => ({
  categories: [{ id: 'classic', name: 'Classic' }, { id: 'prime', name: 'Prime' }],
  rows: ['A', 'B', 'C', 'D'].map(label => ({ label, places: [1, 2, 3, 4, 5, 6, 7].map(seat => ({ seat, category: label < 'C' ? 'classic' : 'prime' })) })),
})

/** A show with screenings at one venue of its own, on the given days from now, at the given prices. */
async function showtimes(t: TestServer, token: string, days: number[], opts: { prices?: Array<Record<string, number>>, capacity?: number, layout?: boolean } = {}) {
  const venue = await t.request('POST', '/api/venues', { token, body: { name: unique('Hall '), place: 'Pune', capacity: opts.capacity ?? 50, seatsPerRow: Math.min(10, opts.capacity ?? 50) } })
  expect(venue.status).toBe(201)
  if (opts.layout) expect((await t.request('PUT', `/api/venues/${venue.body.id}/layout`, { token, body: hall() })).status).toBe(200)
  const show = await t.request('POST', '/api/shows', { token, body: { name: unique('Show '), tags: [], ticketPrice: 500, durationMinutes: 90 } })
  const ids: number[] = []
  for (const [i, d] of days.entries()) {
    const startsAt = new Date(Math.ceil((Date.now() + d * DAY) / 60_000) * 60_000).toISOString()
    const res = await t.request('POST', '/api/screenings', { token, body: { showId: show.body.id, venueId: venue.body.id, startsAt, price: 500 + 300 * i, ...(opts.prices?.[i] ? { prices: opts.prices[i] } : {}) } })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    ids.push(res.body.id)
  }
  // As many ids as days (the callers destructure only those).
  return ids as [number, number, number]
}

const book = (token: string, body: unknown, t = server) => t.request<Reply>('POST', '/api/bookings', { token, body })
const move = (token: string, id: number, body: unknown, t = server) => t.request<Reply>('POST', `/api/bookings/${id}/move`, { token, body })
const taken = async (screeningId: number) => (await server.request<ScreeningDetail>('GET', `/api/screenings/${screeningId}`)).body.seats.filter(s => s.taken).map(s => s.label)

describe('POST /api/bookings/{id}/move', () => {
  it('moves a booking to the given seats of another showtime, at its prices, keeping id and reference, and frees the old seats', async () => {
    const [from, to] = await showtimes(server, adminToken, [3, 4])
    const u = await createApprovedUser(server, adminToken)
    const b = (await book(u.token, { screeningId: from, seats: ['A1', 'A2'] })).body
    expect(b.total).toBe(1000)

    const res = await move(u.token, b.id, { screeningId: to, seats: ['C4', 'C3'] })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(res.body).toMatchObject({ id: b.id, reference: b.reference, status: 'confirmed', quantity: 2, seats: ['C3', 'C4'], unitPrice: 800, total: 1600, screening: { id: to } })
    expect(res.body.lines.map(l => l.price)).toEqual([800, 800])
    expect((await server.request('GET', `/api/bookings/${b.id}`, { token: u.token })).body).toMatchObject({ screening: { id: to }, seats: ['C3', 'C4'], reference: b.reference })
    expect(await taken(from)).toEqual([])
    expect(await taken(to)).toEqual(['C3', 'C4'])

    // The old seats are anyone's again.
    const other = await createApprovedUser(server, adminToken)
    expect((await book(other.token, { screeningId: from, seats: ['A1', 'A2'] })).status).toBe(201)

    // "Booking moved", with an invite that replaces the confirmation's event.
    const rows = await db.selectFrom('outbox').selectAll().where('user_id', '=', u.id).where('kind', 'like', 'booking-%').orderBy('id').execute()
    expect(rows.map(r => r.kind)).toEqual(['booking-confirmed', 'booking-moved'])
    const invites = await Promise.all(rows.map(async r => Buffer.from((await materialize(r)).attachments[0]!.content, 'base64').toString()))
    const uid = (ics: string) => /UID:(.+)/.exec(ics)?.[1]
    expect(uid(invites[1]!)).toBe(uid(invites[0]!))
    expect(invites[1]).toMatch(/SEQUENCE:1\r?\n/)
    const moved = await materialize(rows[1]!)
    expect(rows[1]!.subject).toMatch(/^Booking moved: /)
    expect(moved.text).toContain('C3, C4')
    expect(moved.text).toContain(b.reference)
  })

  it('picks the best seats: as many as the booking has, or `quantity` of `category`', async () => {
    const [from, to, third] = await showtimes(server, adminToken, [3, 4, 5], { layout: true, prices: [{}, { prime: 1200 }, {}] })
    const u = await createApprovedUser(server, adminToken)
    const b = (await book(u.token, { screeningId: from, quantity: 2 })).body

    const same = await move(u.token, b.id, { screeningId: to })
    expect(same.status, JSON.stringify(same.body)).toBe(200)
    expect(same.body.quantity).toBe(2)

    const prime = await move(u.token, b.id, { screeningId: third, quantity: 3, category: 'prime' })
    expect(prime.status, JSON.stringify(prime.body)).toBe(200)
    expect(prime.body.seats).toHaveLength(3)
    expect(prime.body.lines.every(l => l.category === 'prime')).toBe(true)
    expect(prime.body.screening.id).toBe(third)
    expect(await taken(from)).toEqual([])
    expect(await taken(to)).toEqual([])

    // Back to the second showtime in Prime: its Prime price.
    const back = await move(u.token, b.id, { screeningId: to, quantity: 1, category: 'prime' })
    expect(back.body).toMatchObject({ total: 1200, quantity: 1 })
  })

  it('answers 409 for seats booked or held by someone else, or too few seats left, and leaves the booking as it was', async () => {
    const [from, to] = await showtimes(server, adminToken, [3, 4], { capacity: 6 })
    const u = await createApprovedUser(server, adminToken)
    const other = await createApprovedUser(server, adminToken)
    const b = (await book(u.token, { screeningId: from, seats: ['A1', 'A2'] })).body
    expect((await book(other.token, { screeningId: to, seats: ['A1'] })).status).toBe(201)
    expect((await server.request('PUT', `/api/screenings/${to}/hold`, { token: other.token, body: { seats: ['A2'] } })).status).toBe(200)

    const bookedSeat = await move(u.token, b.id, { screeningId: to, seats: ['A1', 'A3'] })
    expect(bookedSeat.status).toBe(409)
    expect(bookedSeat.body.data).toMatchObject({ taken: ['A1'], seatsLeft: 5 })
    const heldSeat = await move(u.token, b.id, { screeningId: to, seats: ['A2'] })
    expect(heldSeat.status).toBe(409)
    expect(heldSeat.body.data?.taken).toEqual(['A2'])
    const tooMany = await move(u.token, b.id, { screeningId: to, quantity: 6 })
    expect(tooMany.status).toBe(409)
    expect(tooMany.body.data?.seatsLeft).toBe(5)

    const after = (await server.request('GET', `/api/bookings/${b.id}`, { token: u.token })).body
    expect(after).toMatchObject({ screening: { id: from }, seats: ['A1', 'A2'], total: b.total })
    expect(await taken(from)).toEqual(['A1', 'A2'])
    expect(await taken(to)).toEqual(['A1'])

    // The mover's own hold on the target is theirs to use, and is used up.
    expect((await server.request('PUT', `/api/screenings/${to}/hold`, { token: u.token, body: { seats: ['A4'] } })).status).toBe(200)
    expect((await move(u.token, b.id, { screeningId: to, seats: ['A4'] })).status).toBe(200)
    expect(await db.selectFrom('seat_holds').select('seat').where('screening_id', '=', to).where('user_id', '=', u.id).execute()).toEqual([])
  })

  it('answers 400 for another show, the same screening, a started screening on either side, or a malformed body', async () => {
    const [from, to, later] = await showtimes(server, adminToken, [3, 4, 5])
    const [elsewhere] = await showtimes(server, adminToken, [6])
    const u = await createApprovedUser(server, adminToken)
    const b = (await book(u.token, { screeningId: from, seats: ['A1'] })).body

    for (const body of [
      { screeningId: elsewhere },
      { screeningId: from },
      { screeningId: to, seats: ['A1'], quantity: 1 },
      { screeningId: to, quantity: '2' },
      { screeningId: to, seats: [] },
      { screeningId: to, extra: true },
      { seats: ['A1'] },
    ]) {
      const res = await move(u.token, b.id, body)
      expect(res.status, JSON.stringify(body)).toBe(400)
    }

    await db.updateTable('screenings').set({ starts_at: new Date(Date.now() - 60_000).toISOString() }).where('id', '=', to).execute()
    expect((await move(u.token, b.id, { screeningId: to })).status).toBe(400)
    await db.updateTable('screenings').set({ starts_at: new Date(Date.now() - 60_000).toISOString() }).where('id', '=', from).execute()
    expect((await move(u.token, b.id, { screeningId: later })).status).toBe(400)
    expect((await server.request('GET', `/api/bookings/${b.id}`, { token: u.token })).body).toMatchObject({ screening: { id: from }, seats: ['A1'] })
  })

  it('answers 404 for someone else\'s or an unknown booking, or an unknown screening, and 409 for a cancelled booking', async () => {
    const [from, to] = await showtimes(server, adminToken, [3, 4])
    const u = await createApprovedUser(server, adminToken)
    const other = await createApprovedUser(server, adminToken)
    const b = (await book(u.token, { screeningId: from, seats: ['A1'] })).body
    expect((await move(other.token, b.id, { screeningId: to })).status).toBe(404)
    expect((await move(u.token, 999_999, { screeningId: to })).status).toBe(404)
    expect((await move(u.token, b.id, { screeningId: 999_999 })).status).toBe(404)
    expect((await server.request('POST', `/api/bookings/${b.id}/move`, { body: { screeningId: to } })).status).toBe(401)
    expect((await server.request('DELETE', `/api/bookings/${b.id}`, { token: u.token })).status).toBe(200)
    expect((await move(u.token, b.id, { screeningId: to })).status).toBe(409)
    expect(await taken(to)).toEqual([])
  })
})

/**
 * `rounds` races at once: in each, one user moves a booking to seat X of the target while
 * another books X there. Exactly one of them wins each round, and the loser changed nothing.
 */
async function raceMovesAndBookings(bases: [string, string], t: TestServer, token: string, rounds: number) {
  const [from, to] = await showtimes(t, token, [3, 4])
  const movers = await Promise.all(Array.from({ length: rounds }, () => createApprovedUser(t, token)))
  const bookers = await Promise.all(Array.from({ length: rounds }, () => createApprovedUser(t, token)))
  const seatOf = (i: number) => `${'ABCDE'[Math.floor(i / 10)]}${(i % 10) + 1}`
  const before = await Promise.all(movers.map(async (m, i) => (await request<Booking>(bases[0], 'POST', '/api/bookings', { token: m.token, body: { screeningId: from, seats: [seatOf(i)] } })).body))
  const replies = await Promise.all(movers.map((m, i) => Promise.all([
    request<Reply>(bases[0], 'POST', `/api/bookings/${before[i]!.id}/move`, { token: m.token, body: { screeningId: to, seats: [seatOf(i)] } }),
    request<Reply>(bases[1], 'POST', '/api/bookings', { token: bookers[i]!.token, body: { screeningId: to, seats: [seatOf(i)] } }),
  ])))
  for (const [i, [moved, booked]] of replies.entries()) {
    expect([moved.status, booked.status].sort(), `round ${i}: ${JSON.stringify([moved.body, booked.body])}`).toSatisfy((s: number[]) => s.join() === '200,409' || s.join() === '201,409')
    const now = (await request<Booking>(bases[0], 'GET', `/api/bookings/${before[i]!.id}`, { token: movers[i]!.token })).body
    if (moved.status === 200) expect(now).toMatchObject({ screening: { id: to }, seats: [seatOf(i)], reference: before[i]!.reference })
    else expect(now).toMatchObject({ screening: { id: from }, seats: [seatOf(i)], total: before[i]!.total })
    const mine = (await request<{ items: Booking[] }>(bases[1], 'GET', '/api/bookings', { token: bookers[i]!.token })).body.items
    expect(mine).toHaveLength(booked.status === 201 ? 1 : 0)
  }
  return replies
}

describe('moving atomically under a concurrent booking of the target seats', () => {
  it('one server: exactly one of the move and the booking wins each of 20 rounds', { timeout: 90_000 }, async () => {
    await raceMovesAndBookings([server.url, server.url], server, adminToken, 20)
    expectConsistent(await inspectDb(server))
  })

  it('two server processes sharing one PostgreSQL database: likewise', { timeout: 120_000 }, async () => {
    const pgDb = await createPgDatabase(PG_BASE)
    const one = await startServer({ databaseUrl: pgDb.url, env: { NUXT_AUTH_SECRET: SECRET } })
    const two = await startServer({ databaseUrl: pgDb.url, env: { NUXT_AUTH_SECRET: SECRET } })
    try {
      const token = await login(one, ADMIN.username, ADMIN.password)
      await raceMovesAndBookings([one.url, two.url], one, token, 20)
      expectConsistent(await inspectDb({ databaseUrl: pgDb.url, dataDir: one.dataDir }))
    }
    finally {
      await one.stop()
      await two.stop()
      await pgDb.drop()
    }
  })
})
