import Papa from 'papaparse'
import { afterEach, describe, expect, it } from 'vitest'
import { signToken } from '../../server/domain/accounts'
import { inspectDb } from '../helpers/inspect'
import { createApprovedUser, useTestServer } from '../helpers/server'
import { unique } from '../helpers/fixtures'
import type { TestServer } from '../helpers/server'
import type { Booking, Screening, ScreeningDetail, Show, Venue } from '#shared/types/api'

const SECRET = 'bookings-test-secret-that-is-long-enough-for-hs256'
const DAY = 86_400_000

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

let server: TestServer
let adminToken: string

useTestServer(ready => ({ server, adminToken } = ready), { env: { NUXT_AUTH_SECRET: SECRET } })

// However a test ends, the server's counters must agree with its seat rows.
afterEach(async () => {
  const snap = await inspectDb(server)
  for (const s of snap.screenings) {
    expect(s.seatsSold, `screening ${s.id}: seats_sold vs booking_seats rows`).toBe(s.seatRows)
    expect(s.seatsSold, `screening ${s.id}: seats_sold vs confirmed bookings`).toBe(s.confirmedSeats)
  }
  expect(snap.bookingsOutOfStep).toEqual([])
  expect(snap.doubleSold).toEqual([])
})

interface Setup { venue: Venue, show: Show, screening: Screening }

/** A venue of its own (so times never clash), a show and one screening. */
async function catalogue(opts: { capacity?: number, seatsPerRow?: number, price?: number, startsAt?: Date, timezone?: string, showName?: string } = {}): Promise<Setup> {
  const venue = await server.request<Venue>('POST', '/api/venues', {
    token: adminToken,
    body: { name: unique('Hall '), place: 'Pune', capacity: opts.capacity ?? 50, seatsPerRow: opts.seatsPerRow ?? 10, timezone: opts.timezone ?? 'Asia/Kolkata' },
  })
  expect(venue.status).toBe(201)
  const show = await server.request<Show>('POST', '/api/shows', {
    token: adminToken,
    body: { name: opts.showName ?? unique('Show '), tags: ['drama'], ticketPrice: 700, durationMinutes: 90 },
  })
  expect(show.status).toBe(201)
  const startsAt = opts.startsAt ?? new Date(Math.ceil((Date.now() + 3 * DAY) / 60_000) * 60_000)
  const screening = await server.request<Screening>('POST', '/api/screenings', {
    token: adminToken,
    body: { showId: show.body.id, venueId: venue.body.id, startsAt: startsAt.toISOString(), price: opts.price ?? 500 },
  })
  expect(screening.status, JSON.stringify(screening.body)).toBe(201)
  return { venue: venue.body, show: show.body, screening: screening.body }
}

/** A booking, or the error an h3 handler answers instead. */
type BookingOrError = Booking & { statusCode?: number, message?: string, data?: { seatsLeft?: number, taken?: string[], issues?: unknown[] } }

function book(token: string | undefined, body: unknown) {
  return server.request<BookingOrError>('POST', '/api/bookings', { token, body })
}

async function seatMap(screeningId: number): Promise<{ seatsLeft: number, taken: string[] }> {
  const res = await server.request<ScreeningDetail>('GET', `/api/screenings/${screeningId}`)
  expect(res.status).toBe(200)
  return { seatsLeft: res.body.seatsLeft, taken: res.body.seats.filter(s => s.taken).map(s => s.label) }
}

/** Every booking route, for a booking id, with a valid body where one is needed. */
function everyRoute(id: number, screeningId: number): Array<[string, string, unknown?]> {
  return [
    ['GET', '/api/bookings'],
    ['POST', '/api/bookings', { screeningId, quantity: 1 }],
    ['GET', `/api/bookings/${id}`],
    ['PATCH', `/api/bookings/${id}`, { quantity: 1 }],
    ['DELETE', `/api/bookings/${id}`],
    ['GET', '/api/bookings/export.csv'],
    ['GET', `/api/bookings/${id}/ticket.ics`],
  ]
}

describe('POST /api/bookings', () => {
  it('books the best free seats for a quantity and answers 201 with the booking', async () => {
    const { screening, show, venue } = await catalogue({ price: 450 })
    const u = await createApprovedUser(server, adminToken)
    const before = Date.now()
    const res = await book(u.token, { screeningId: screening.id, quantity: 3 })
    expect(res.status).toBe(201)
    expect(Object.keys(res.body).sort()).toEqual(['createdAt', 'id', 'lines', 'quantity', 'reference', 'screening', 'seats', 'status', 'ticketCode', 'total', 'unitPrice', 'updatedAt'])
    expect(res.body).toMatchObject({
      id: expect.any(Number),
      reference: expect.stringMatching(/^[A-Z0-9]{6,12}$/),
      status: 'confirmed',
      quantity: 3,
      unitPrice: 450,
      total: 1350,
      screening: { id: screening.id, startsAt: screening.startsAt, show: { id: show.id, name: show.name }, venue: { id: venue.id, name: venue.name, place: 'Pune' } },
    })
    // Together in the middle row (C of A–E), centred.
    expect(res.body.seats).toHaveLength(3)
    expect(res.body.seats.every(s => s.startsWith('C'))).toBe(true)
    expect(res.body.seats).toEqual(expect.arrayContaining(['C5', 'C6']))
    expect(new Date(res.body.createdAt).getTime()).toBeGreaterThanOrEqual(before - 1000)
    expect(await seatMap(screening.id)).toEqual({ seatsLeft: 47, taken: res.body.seats })
  })

  it('books exactly the seats given, in reading order', async () => {
    const { screening } = await catalogue()
    const u = await createApprovedUser(server, adminToken)
    const res = await book(u.token, { screeningId: screening.id, seats: ['E10', 'A2', 'A1'] })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ quantity: 3, seats: ['A1', 'A2', 'E10'], total: 1500 })
    expect((await seatMap(screening.id)).taken).toEqual(['A1', 'A2', 'E10'])
  })

  it('refuses bodies that are not exactly {screeningId, quantity 1–10} or {screeningId, seats} with 400 and the issues, booking nothing', async () => {
    const { screening } = await catalogue({ capacity: 30, seatsPerRow: 10 })
    const u = await createApprovedUser(server, adminToken)
    const id = screening.id
    const bodies: unknown[] = [
      { screeningId: id, quantity: 0 },
      { screeningId: id, quantity: 11 },
      { screeningId: id, quantity: 1.5 },
      { screeningId: id, quantity: '2' },
      { screeningId: id, quantity: -1 },
      { screeningId: id, quantity: null },
      { quantity: 2 },
      { screeningId: String(id), quantity: 2 },
      { screeningId: id },
      {},
      { screeningId: id, quantity: 2, seats: ['A1', 'A2'] },
      { screeningId: id, seats: ['c7'] },
      { screeningId: id, seats: ['Z99'] },
      { screeningId: id, seats: ['D1'] },
      { screeningId: id, seats: ['A11'] },
      { screeningId: id, seats: ['A1', 'A1'] },
      { screeningId: id, seats: [] },
      { screeningId: id, seats: 'A1' },
      { screeningId: id, seats: [...Array.from({ length: 10 }, (_, i) => `A${i + 1}`), 'B1'] },
      { screeningId: id, quantity: 1, extra: true },
    ]
    for (const body of bodies) {
      const res = await book(u.token, body)
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(res.body.statusCode).toBe(400)
      expect(res.body.data?.issues?.length, JSON.stringify(body)).toBeGreaterThan(0)
    }
    // Not JSON at all.
    const form = await server.request('POST', '/api/bookings', { token: u.token, body: `screeningId=${id}&quantity=1`, headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    expect(form.status).toBe(400)
    const broken = await server.request('POST', '/api/bookings', { token: u.token, body: '{"screeningId": ', headers: { 'content-type': 'application/json' } })
    expect(broken.status).toBe(400)

    expect(await seatMap(id)).toEqual({ seatsLeft: 30, taken: [] })
    expect((await server.request('GET', '/api/bookings', { token: u.token })).body.total).toBe(0)
  })

  it('answers 404 for a screening that does not exist', async () => {
    const u = await createApprovedUser(server, adminToken)
    const res = await book(u.token, { screeningId: 987_654_321, quantity: 1 })
    expect(res.status).toBe(404)
    expect(res.body.statusCode).toBe(404)
  })

  it('answers 409 with data.seatsLeft when not enough seats are left or a seat is taken', async () => {
    const { screening } = await catalogue({ capacity: 6, seatsPerRow: 3 })
    const [a, b] = [await createApprovedUser(server, adminToken), await createApprovedUser(server, adminToken)]
    expect((await book(a.token, { screeningId: screening.id, seats: ['A1', 'A2', 'B1', 'B2'] })).status).toBe(201)

    const tooMany = await book(b.token, { screeningId: screening.id, quantity: 3 })
    expect(tooMany.status).toBe(409)
    expect(tooMany.body.data).toMatchObject({ seatsLeft: 2 })

    const taken = await book(b.token, { screeningId: screening.id, seats: ['A3', 'B2'] })
    expect(taken.status).toBe(409)
    expect(taken.body.data).toMatchObject({ seatsLeft: 2 })
    expect(await seatMap(screening.id)).toEqual({ seatsLeft: 2, taken: ['A1', 'A2', 'B1', 'B2'] })

    // What is left can still be had, and then nothing more.
    expect((await book(b.token, { screeningId: screening.id, quantity: 2 })).body.seats).toEqual(['A3', 'B3'])
    const soldOut = await book(b.token, { screeningId: screening.id, quantity: 1 })
    expect(soldOut.status).toBe(409)
    expect(soldOut.body.data).toMatchObject({ seatsLeft: 0 })
  })

  it('answers 409 to booking, changing and cancelling once the screening has started, and changes nothing', async () => {
    // The start must be in the future when it is scheduled; then wait for it.
    const startsAt = new Date(Date.now() + 3000)
    const { screening } = await catalogue({ startsAt })
    const u = await createApprovedUser(server, adminToken)
    const booked = await book(u.token, { screeningId: screening.id, quantity: 2 })
    expect(booked.status).toBe(201)
    await sleep(startsAt.getTime() - Date.now() + 250)

    const again = await book(u.token, { screeningId: screening.id, quantity: 1 })
    expect(again.status).toBe(409)
    expect(again.body.data).toHaveProperty('seatsLeft')
    expect((await book(u.token, { screeningId: screening.id, seats: ['A1'] })).status).toBe(409)
    expect((await server.request('PATCH', `/api/bookings/${booked.body.id}`, { token: u.token, body: { quantity: 3 } })).status).toBe(409)
    expect((await server.request('PATCH', `/api/bookings/${booked.body.id}`, { token: u.token, body: { seats: ['A1', 'A2'] } })).status).toBe(409)
    expect((await server.request('DELETE', `/api/bookings/${booked.body.id}`, { token: u.token })).status).toBe(409)

    const now = await server.request<Booking>('GET', `/api/bookings/${booked.body.id}`, { token: u.token })
    expect(now.body).toMatchObject({ status: 'confirmed', quantity: 2, seats: booked.body.seats, updatedAt: booked.body.updatedAt })
    expect((await seatMap(screening.id)).taken).toEqual(booked.body.seats)
  })
})

describe('who may use the booking routes', () => {
  it('answers 401 to every route without a token, or with a token that is not ours', async () => {
    const { screening } = await catalogue()
    const u = await createApprovedUser(server, adminToken)
    const b = (await book(u.token, { screeningId: screening.id, quantity: 1 })).body
    const forged = await signToken('some-other-secret-that-is-long-enough-too', u.id)
    for (const [method, path, body] of everyRoute(b.id, screening.id)) {
      expect((await server.request(method, path, { body })).status, `${method} ${path}`).toBe(401)
      expect((await server.request(method, path, { body, token: forged })).status, `${method} ${path} forged`).toBe(401)
    }
    expect((await server.request<Booking>('GET', `/api/bookings/${b.id}`, { token: u.token })).body.status).toBe('confirmed')
  })

  it('answers 403 to a user still waiting for approval, on every route, while an approved user\'s token works', async () => {
    const { screening } = await catalogue()
    const approved = await createApprovedUser(server, adminToken)
    const b = (await book(approved.token, { screeningId: screening.id, quantity: 1 })).body
    expect((await server.request('GET', '/api/bookings', { token: approved.token })).status).toBe(200)

    const name = unique('wait')
    const reg = await server.request('POST', '/api/auth/register', { body: { username: name, email: `${name}@example.test`, password: 'correct-horse-battery' } })
    expect(reg.status).toBe(201)
    expect((await server.request('POST', '/api/auth/login', { body: { username: name, password: 'correct-horse-battery' } })).status).toBe(403)
    // A waiting user cannot log in, so sign the token they would have had with the server's key.
    const waitingToken = await signToken(SECRET, reg.body.user.id)
    expect((await server.request('GET', '/api/auth/session', { token: waitingToken })).status).toBe(200)
    for (const [method, path, body] of everyRoute(b.id, screening.id))
      expect((await server.request(method, path, { body, token: waitingToken })).status, `${method} ${path}`).toBe(403)
    expect((await seatMap(screening.id)).seatsLeft).toBe(49)
  })

  it('answers 401 to a deleted user\'s token, and their seats are free again', async () => {
    const { screening } = await catalogue()
    const u = await createApprovedUser(server, adminToken)
    const b = (await book(u.token, { screeningId: screening.id, quantity: 4 })).body
    expect((await seatMap(screening.id)).seatsLeft).toBe(46)
    expect((await server.request('DELETE', `/api/users/${u.id}?cancelBookings=true`, { token: adminToken })).status).toBe(204)
    for (const [method, path, body] of everyRoute(b.id, screening.id))
      expect((await server.request(method, path, { body, token: u.token })).status, `${method} ${path}`).toBe(401)
    expect(await seatMap(screening.id)).toEqual({ seatsLeft: 50, taken: [] })
  })

  it('answers 404 for another user\'s booking on every verb, ticket included, and leaves it alone', async () => {
    const { screening } = await catalogue()
    const [owner, stranger] = [await createApprovedUser(server, adminToken), await createApprovedUser(server, adminToken)]
    const b = (await book(owner.token, { screeningId: screening.id, seats: ['B2', 'B3'] })).body
    const attempts: Array<[string, string, unknown?]> = [
      ['GET', `/api/bookings/${b.id}`],
      ['PATCH', `/api/bookings/${b.id}`, { quantity: 1 }],
      ['PATCH', `/api/bookings/${b.id}`, { seats: ['A1'] }],
      ['DELETE', `/api/bookings/${b.id}`],
      ['GET', `/api/bookings/${b.id}/ticket.ics`],
    ]
    for (const [method, path, body] of attempts) {
      const res = await server.request(method, path, { body, token: stranger.token })
      expect(res.status, `${method} ${path}`).toBe(404)
      // The same answer as for a booking that does not exist at all.
      const none = await server.request(method, path.replace(String(b.id), '987654321'), { body, token: owner.token })
      expect(none.status, `${method} ${path} (no such booking)`).toBe(404)
      expect(res.body.message).toBe(none.body.message)
    }
    // Even the admin does not see it through the user routes.
    expect((await server.request('GET', `/api/bookings/${b.id}`, { token: adminToken })).status).toBe(404)
    expect((await server.request('GET', '/api/bookings', { token: stranger.token })).body.total).toBe(0)
    const csv = await server.request<string>('GET', '/api/bookings/export.csv', { token: stranger.token })
    expect(csv.body).not.toContain(b.reference)
    expect((await server.request<Booking>('GET', `/api/bookings/${b.id}`, { token: owner.token })).body).toEqual(b)
    expect((await seatMap(screening.id)).taken).toEqual(['B2', 'B3'])
  })

  it('answers 400 for a booking id that is not a number', async () => {
    const u = await createApprovedUser(server, adminToken)
    expect((await server.request('GET', '/api/bookings/abc', { token: u.token })).status).toBe(400)
  })
})

describe('GET /api/bookings and GET /api/bookings/{id}', () => {
  it('lists only the user\'s own bookings, newest first, as {items, total, page, pageSize}', async () => {
    const { screening } = await catalogue()
    const [u, other] = [await createApprovedUser(server, adminToken), await createApprovedUser(server, adminToken)]
    const made: Booking[] = []
    for (let i = 0; i < 3; i++) {
      made.push((await book(u.token, { screeningId: screening.id, quantity: 1 })).body)
      await sleep(5)
    }
    await book(other.token, { screeningId: screening.id, quantity: 1 })

    const res = await server.request('GET', '/api/bookings', { token: u.token })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ items: [made[2], made[1], made[0]], total: 3, page: 1, pageSize: 20 })

    const page2 = await server.request('GET', '/api/bookings?page=2&pageSize=2', { token: u.token })
    expect(page2.body).toEqual({ items: [made[0]], total: 3, page: 2, pageSize: 2 })
    expect((await server.request('GET', '/api/bookings?pageSize=101', { token: u.token })).status).toBe(400)
    expect((await server.request('GET', '/api/bookings?page=0', { token: u.token })).status).toBe(400)
  })

  it('answers one booking exactly as it was booked', async () => {
    const { screening } = await catalogue()
    const u = await createApprovedUser(server, adminToken)
    const b = (await book(u.token, { screeningId: screening.id, quantity: 2 })).body
    const res = await server.request<Booking>('GET', `/api/bookings/${b.id}`, { token: u.token })
    expect(res.status).toBe(200)
    expect(res.body).toEqual(b)
  })
})

describe('PATCH /api/bookings/{id}', () => {
  it('changes the quantity: more seats beside the ones held, fewer by letting the last go', async () => {
    const { screening } = await catalogue({ price: 300 })
    const u = await createApprovedUser(server, adminToken)
    const b = (await book(u.token, { screeningId: screening.id, quantity: 2 })).body
    const up = await server.request<Booking>('PATCH', `/api/bookings/${b.id}`, { token: u.token, body: { quantity: 4 } })
    expect(up.status).toBe(200)
    expect(up.body).toMatchObject({ id: b.id, reference: b.reference, quantity: 4, unitPrice: 300, total: 1200, status: 'confirmed' })
    expect(up.body.seats).toEqual(expect.arrayContaining(b.seats))
    expect(up.body.seats.every(s => s.startsWith('C'))).toBe(true)
    expect((await seatMap(screening.id)).taken).toEqual(up.body.seats)

    const down = await server.request<Booking>('PATCH', `/api/bookings/${b.id}`, { token: u.token, body: { quantity: 1 } })
    expect(down.status).toBe(200)
    expect(down.body).toMatchObject({ quantity: 1, total: 300, seats: [up.body.seats[0]] })
    expect(await seatMap(screening.id)).toEqual({ seatsLeft: 49, taken: down.body.seats })
  })

  it('moves a booking to exactly the seats given, freeing the old ones', async () => {
    const { screening } = await catalogue()
    const u = await createApprovedUser(server, adminToken)
    const b = (await book(u.token, { screeningId: screening.id, seats: ['A1', 'A2'] })).body
    const res = await server.request<Booking>('PATCH', `/api/bookings/${b.id}`, { token: u.token, body: { seats: ['D4', 'D5', 'D6'] } })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ quantity: 3, seats: ['D4', 'D5', 'D6'], total: 1500 })
    expect(await seatMap(screening.id)).toEqual({ seatsLeft: 47, taken: ['D4', 'D5', 'D6'] })
  })

  it('keeps the old seats when the new ones cannot be had, answering 409 with data.seatsLeft', async () => {
    const { screening } = await catalogue({ capacity: 8, seatsPerRow: 4 })
    const [a, b] = [await createApprovedUser(server, adminToken), await createApprovedUser(server, adminToken)]
    const mine = (await book(a.token, { screeningId: screening.id, seats: ['A1', 'A2'] })).body
    await book(b.token, { screeningId: screening.id, seats: ['A3', 'B1', 'B2', 'B3', 'B4'] })

    const clash = await server.request('PATCH', `/api/bookings/${mine.id}`, { token: a.token, body: { seats: ['A2', 'A3'] } })
    expect(clash.status).toBe(409)
    expect(clash.body.data).toMatchObject({ seatsLeft: 1 })
    const tooMany = await server.request('PATCH', `/api/bookings/${mine.id}`, { token: a.token, body: { quantity: 4 } })
    expect(tooMany.status).toBe(409)
    expect(tooMany.body.data).toMatchObject({ seatsLeft: 1 })

    expect((await server.request<Booking>('GET', `/api/bookings/${mine.id}`, { token: a.token })).body).toEqual(mine)
    expect(await seatMap(screening.id)).toEqual({ seatsLeft: 1, taken: ['A1', 'A2', 'A3', 'B1', 'B2', 'B3', 'B4'] })
  })

  it('refuses malformed changes with 400 and changes nothing', async () => {
    const { screening } = await catalogue({ capacity: 20, seatsPerRow: 10 })
    const u = await createApprovedUser(server, adminToken)
    const b = (await book(u.token, { screeningId: screening.id, quantity: 2 })).body
    for (const body of [{}, { quantity: 0 }, { quantity: 11 }, { quantity: 1.5 }, { quantity: '2' }, { quantity: 2, seats: ['A1', 'A2'] }, { seats: ['c7'] }, { seats: ['Z99'] }, { seats: ['C1'] }, { seats: ['A1', 'A1'] }, { seats: [] }, { screeningId: screening.id, quantity: 2 }]) {
      const res = await server.request('PATCH', `/api/bookings/${b.id}`, { token: u.token, body })
      expect(res.status, JSON.stringify(body)).toBe(400)
    }
    expect((await server.request<Booking>('GET', `/api/bookings/${b.id}`, { token: u.token })).body).toEqual(b)
  })
})

describe('DELETE /api/bookings/{id}', () => {
  it('cancels the booking and frees its seats once, however often it is called', async () => {
    const { screening } = await catalogue()
    const u = await createApprovedUser(server, adminToken)
    const keep = (await book(u.token, { screeningId: screening.id, quantity: 2 })).body
    const b = (await book(u.token, { screeningId: screening.id, quantity: 3 })).body
    expect((await seatMap(screening.id)).seatsLeft).toBe(45)

    const res = await server.request<Booking>('DELETE', `/api/bookings/${b.id}`, { token: u.token })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ id: b.id, status: 'cancelled', quantity: 3, seats: b.seats })
    expect(await seatMap(screening.id)).toEqual({ seatsLeft: 48, taken: keep.seats })

    const again = await Promise.all([1, 2, 3].map(() => server.request<Booking>('DELETE', `/api/bookings/${b.id}`, { token: u.token })))
    expect(again.map(r => [r.status, r.body.status])).toEqual([[200, 'cancelled'], [200, 'cancelled'], [200, 'cancelled']])
    expect(await seatMap(screening.id)).toEqual({ seatsLeft: 48, taken: keep.seats })

    // A cancelled booking stays in the list, marked, and cannot be changed back.
    const list = await server.request('GET', '/api/bookings', { token: u.token })
    expect(list.body.items.map((x: Booking) => [x.id, x.status])).toEqual([[b.id, 'cancelled'], [keep.id, 'confirmed']])
    expect((await server.request('PATCH', `/api/bookings/${b.id}`, { token: u.token, body: { quantity: 3 } })).status).toBe(409)
    expect((await seatMap(screening.id)).seatsLeft).toBe(48)
  })
})

describe('GET /api/bookings/export.csv', () => {
  it('downloads the user\'s bookings as CSV: header, a row each, venue time, formulas escaped', async () => {
    const showName = '=HYPERLINK("http://x","y")'
    // 23:30 UTC on 15 July is 19:30 in New York (EDT, UTC-4).
    const { screening, venue } = await catalogue({ timezone: 'America/New_York', startsAt: new Date('2031-07-15T23:30:00Z'), showName, price: 1250 })
    const u = await createApprovedUser(server, adminToken)
    const first = (await book(u.token, { screeningId: screening.id, seats: ['A1', 'A2'] })).body
    await sleep(5)
    const second = (await book(u.token, { screeningId: screening.id, quantity: 1 })).body
    await server.request('DELETE', `/api/bookings/${second.id}`, { token: u.token })

    const res = await server.request<string>('GET', '/api/bookings/export.csv', { token: u.token })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/)
    expect(res.headers.get('content-disposition')).toMatch(/^attachment;\s*filename="?[\w.-]+\.csv"?/)

    const text = res.body.replace(/^\uFEFF/, '')
    const parsed = Papa.parse<string[]>(text.trim(), { header: false })
    expect(parsed.errors).toEqual([])
    const [header, ...rows] = parsed.data as string[][]
    const column = (re: RegExp) => {
      const i = header!.findIndex(h => re.test(h))
      expect(i, `a column matching ${re}`).toBeGreaterThanOrEqual(0)
      return i
    }
    const col = {
      reference: column(/reference/i), show: column(/show/i), venue: column(/venue$/i), place: column(/place/i),
      starts: column(/start/i), seats: column(/seats/i), quantity: column(/quantity/i), unitPrice: column(/unit price/i),
      total: column(/total/i), status: column(/status/i), bookedAt: column(/booked/i),
    }
    expect(rows).toHaveLength(2)
    expect(rows.map(r => r[col.reference])).toEqual([second.reference, first.reference])
    const row = rows[1]!
    // The show's name cannot run as a formula in a spreadsheet: the cell starts with a quote.
    expect(row[col.show]).toBe(`'${showName}`)
    expect(text).not.toMatch(/(^|[,\n])"?=HYPERLINK/)
    expect(row[col.venue]).toBe(venue.name)
    expect(row[col.place]).toBe('Pune')
    expect(row[col.starts]).toMatch(/^2031-07-15[ T]19:30/)
    expect(row[col.seats]).toMatch(/^A1[ ,;]+A2$/)
    expect(row[col.quantity]).toBe('2')
    expect(row[col.unitPrice]).toBe('12.50')
    expect(row[col.total]).toBe('25.00')
    expect(row[col.status]).toBe('confirmed')
    expect(new Date(row[col.bookedAt]!).toISOString()).toBe(first.createdAt)
    expect(rows[0]![col.status]).toBe('cancelled')
  })

  it('gives a user with no bookings just the header row', async () => {
    const u = await createApprovedUser(server, adminToken)
    const res = await server.request<string>('GET', '/api/bookings/export.csv', { token: u.token })
    expect(res.status).toBe(200)
    expect(res.body.replace(/^\uFEFF/, '').trim().split(/\r?\n/)).toHaveLength(1)
  })
})

describe('GET /api/bookings/{id}/ticket.ics', () => {
  it('answers a text/calendar event for the screening, its start in UTC', async () => {
    const { screening, show } = await catalogue({ timezone: 'Europe/London', startsAt: new Date('2031-07-15T18:05:00Z') })
    const u = await createApprovedUser(server, adminToken)
    const b = (await book(u.token, { screeningId: screening.id, quantity: 2 })).body
    const res = await server.request<string>('GET', `/api/bookings/${b.id}/ticket.ics`, { token: u.token })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/calendar/)
    const lines = res.body.split('\r\n')
    expect(lines[0]).toBe('BEGIN:VCALENDAR')
    expect(lines).toContain('BEGIN:VEVENT')
    expect(lines).toContain('END:VEVENT')
    expect(lines).toContain('DTSTART:20310715T180500Z')
    // 90 minutes long.
    expect(lines).toContain('DTEND:20310715T193500Z')
    expect(lines).toContain(`SUMMARY:${show.name}`)
    expect(res.body).toContain(b.reference)
  })
})

describe('admin: bookings of a screening', () => {
  it('lists who booked which seats; 403 for users, 404 for an unknown screening, 401 without a token', async () => {
    const { screening } = await catalogue()
    const [a, b] = [await createApprovedUser(server, adminToken), await createApprovedUser(server, adminToken)]
    await book(a.token, { screeningId: screening.id, seats: ['A1', 'A2'] })
    await sleep(5)
    await book(b.token, { screeningId: screening.id, seats: ['E5'] })

    const res = await server.request('GET', `/api/screenings/${screening.id}/bookings`, { token: adminToken })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ total: 2, page: 1 })
    expect(res.body.items.map((x: { user: { username: string }, seats: string[], status: string }) => [x.user.username, x.seats, x.status]))
      .toEqual([[b.username, ['E5'], 'confirmed'], [a.username, ['A1', 'A2'], 'confirmed']])
    expect(res.body.items[0].user).toMatchObject({ id: b.id, username: b.username, email: `${b.username}@example.test` })
    expect(res.body.items[0]).not.toHaveProperty('user.passwordHash')

    expect((await server.request('GET', `/api/screenings/${screening.id}/bookings`, { token: a.token })).status).toBe(403)
    expect((await server.request('GET', `/api/screenings/${screening.id}/bookings`)).status).toBe(401)
    expect((await server.request('GET', '/api/screenings/987654321/bookings', { token: adminToken })).status).toBe(404)
  })

  it('cancels every booking when an admin deletes the screening: owners see them cancelled, the seats are free', async () => {
    const { screening } = await catalogue()
    const [a, b] = [await createApprovedUser(server, adminToken), await createApprovedUser(server, adminToken)]
    const x = (await book(a.token, { screeningId: screening.id, quantity: 3 })).body
    const y = (await book(b.token, { screeningId: screening.id, seats: ['A1'] })).body
    const gone = (await book(b.token, { screeningId: screening.id, seats: ['A2'] })).body
    await server.request('DELETE', `/api/bookings/${gone.id}`, { token: b.token })

    expect((await server.request('DELETE', `/api/screenings/${screening.id}`, { token: a.token })).status).toBe(403)
    expect((await server.request('DELETE', `/api/screenings/${screening.id}`, { token: adminToken })).status).toBe(204)

    for (const [token, booking] of [[a.token, x], [b.token, y]] as const) {
      const now = await server.request<Booking>('GET', `/api/bookings/${booking.id}`, { token })
      expect(now.status).toBe(200)
      // Cancelled, with the seats it had kept as history.
      expect(now.body).toMatchObject({ status: 'cancelled', seats: booking.seats, quantity: booking.quantity })
    }
    const snap = (await inspectDb(server)).screenings.find(s => s.id === screening.id)!
    expect(snap).toMatchObject({ seatsSold: 0, seatRows: 0, confirmedSeats: 0 })
    expect((await server.request('GET', `/api/screenings/${screening.id}`)).status).toBe(404)
    expect((await book(a.token, { screeningId: screening.id, quantity: 1 })).status).toBe(404)
    // Cancelling or changing afterwards frees nothing twice.
    expect((await server.request<Booking>('DELETE', `/api/bookings/${x.id}`, { token: a.token })).body.status).toBe('cancelled')
    expect((await server.request('PATCH', `/api/bookings/${x.id}`, { token: a.token, body: { quantity: 1 } })).status).toBe(409)
    const admin = await server.request('GET', `/api/screenings/${screening.id}/bookings`, { token: adminToken })
    expect(admin.body.items.every((i: { status: string }) => i.status === 'cancelled')).toBe(true)
  })
})

describe('GET /api/admin/stats', () => {
  it('answers totals, tickets per day for the last 30 days, and shows with occupancy; 403 for users', async () => {
    // Priced high, so the show is among the top shows by revenue.
    const { screening, show } = await catalogue({ capacity: 40, seatsPerRow: 10, price: 50_000 })
    const u = await createApprovedUser(server, adminToken)
    const before = await server.request('GET', '/api/admin/stats', { token: adminToken })
    expect(before.status).toBe(200)
    await book(u.token, { screeningId: screening.id, quantity: 3 })
    await book(u.token, { screeningId: screening.id, quantity: 7 })

    const res = await server.request('GET', '/api/admin/stats', { token: adminToken })
    expect(res.status).toBe(200)
    const stats = res.body
    expect(stats.totals).toEqual({
      tickets: expect.any(Number), revenue: expect.any(Number), bookings: expect.any(Number),
      upcomingScreenings: expect.any(Number), pendingUsers: expect.any(Number),
    })
    expect(stats.totals.tickets - before.body.totals.tickets).toBe(10)
    expect(stats.totals.revenue - before.body.totals.revenue).toBe(500_000)
    expect(stats.totals.bookings - before.body.totals.bookings).toBe(2)

    expect(stats.ticketsPerDay).toHaveLength(30)
    for (const day of stats.ticketsPerDay) expect(day).toEqual({ date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), tickets: expect.any(Number), revenue: expect.any(Number) })
    const dates = stats.ticketsPerDay.map((d: { date: string }) => d.date)
    expect([...dates].sort()).toEqual(dates)
    expect(new Set(dates).size).toBe(30)
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Kolkata' }).format(new Date())
    expect(dates.at(-1)).toBe(today)
    expect(stats.ticketsPerDay.at(-1).tickets - before.body.ticketsPerDay.at(-1).tickets).toBe(10)

    const mine = stats.shows.find((s: { id: number }) => s.id === show.id)
    expect(mine).toEqual({ id: show.id, name: show.name, tickets: 10, revenue: 500_000, capacity: 40, occupancy: 0.25 })

    expect((await server.request('GET', '/api/admin/stats', { token: u.token })).status).toBe(403)
    expect((await server.request('GET', '/api/admin/stats')).status).toBe(401)
  })
})
