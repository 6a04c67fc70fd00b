import { afterAll, afterEach, describe, expect, it } from 'vitest'
import type { Db } from '../../server/db'
import { inspectDb } from '../helpers/inspect'
import { createApprovedUser, startServer, useTestServer, login, ADMIN } from '../helpers/server'
import type { TestServer } from '../helpers/server'
import { openServerDb, unique } from '../helpers/fixtures'
import type { Booking, ScreeningDetail, ScreeningWaitlist, WaitlistEntry } from '#shared/types/api'

// Waiting lists over HTTP on the built server (SQLite, or PostgreSQL with
// TEST_DATABASE_URL): joining only when too few seats are free, first come first served,
// offers held and emailed when seats free up (a cancel, a change, a move, a hold or offer
// that ran out, a bigger hall), booking an offer, and an offer passing on when it lapses
// or is declined. The two-instance race is tests/api/waitlist-race.test.ts.

let server: TestServer
let adminToken: string
let db: Db

useTestServer((ready) => {
  ({ server, adminToken } = ready)
  db = openServerDb(server)
})
afterAll(() => db?.destroy())

afterEach(async () => {
  const snap = await inspectDb(server)
  expect(snap.doubleSold).toEqual([])
  expect(snap.bookingsOutOfStep).toEqual([])
})

type Entry = WaitlistEntry & { statusCode?: number, message?: string, data?: { seatsLeft?: number, entryId?: number } }

/** A show with screenings at a hall of its own (one row of `capacity` seats), on the given days from now. */
async function screenings(t: TestServer, token: string, capacity: number, days = [5]): Promise<number[]> {
  const venue = await t.request('POST', '/api/venues', { token, body: { name: unique('Hall '), place: 'Nagpur', capacity, seatsPerRow: capacity } })
  expect(venue.status).toBe(201)
  const show = await t.request('POST', '/api/shows', { token, body: { name: unique('Show '), tags: [], ticketPrice: 300, durationMinutes: 60 } })
  const ids: number[] = []
  for (const d of days) {
    const startsAt = new Date(Math.ceil((Date.now() + d * 86_400_000) / 60_000) * 60_000).toISOString()
    const res = await t.request('POST', '/api/screenings', { token, body: { showId: show.body.id, venueId: venue.body.id, startsAt } })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    ids.push(res.body.id)
  }
  return ids
}

const join = (token: string, id: number, body: unknown, t = server) => t.request<Entry>('POST', `/api/screenings/${id}/waitlist`, { token, body })
const mine = async (token: string, t = server) => (await t.request<{ items: WaitlistEntry[] }>('GET', '/api/waitlist', { token })).body.items
const book = (token: string, body: unknown, t = server) => t.request<Booking>('POST', '/api/bookings', { token, body })
const seatMap = async (id: number, t = server) => (await t.request<ScreeningDetail>('GET', `/api/screenings/${id}`)).body.seats
const offerEmails = (userId: number) => db.selectFrom('outbox').select(['id', 'dedupe_key', 'subject']).where('kind', '=', 'waitlist-offer').where('user_id', '=', userId).execute()

describe('joining and leaving a waiting list', () => {
  it('joins only while too few seats are free, once per person, in order; leaving moves the others up', async () => {
    const [id] = await screenings(server, adminToken, 4)
    const [u1, u2, u3] = await Promise.all([1, 2, 3].map(() => createApprovedUser(server, adminToken)))
    expect((await book(u1!.token, { screeningId: id, quantity: 3 })).status).toBe(201)

    const tooSoon = await join(u2!.token, id!, { quantity: 1 })
    expect(tooSoon.status).toBe(409)
    expect(tooSoon.body.data?.seatsLeft).toBe(1)
    expect(tooSoon.body.message).toMatch(/1 seats are free: book them/)

    const first = await join(u2!.token, id!, { quantity: 2 })
    expect(first.status, JSON.stringify(first.body)).toBe(201)
    expect(first.body).toMatchObject({ status: 'waiting', quantity: 2, position: 1, category: null, offer: null, screening: { id } })
    const again = await join(u2!.token, id!, { quantity: 3 })
    expect(again.status).toBe(409)
    expect(again.body.data?.entryId).toBe(first.body.id)
    const second = await join(u3!.token, id!, { quantity: 2 })
    expect(second.body.position).toBe(2)
    expect((await mine(u3!.token)).map(e => [e.id, e.position])).toEqual([[second.body.id, 2]])

    const list = await server.request<ScreeningWaitlist>('GET', `/api/screenings/${id}/waitlist`, { token: adminToken })
    expect(list.body).toMatchObject({ size: 2, seatsWanted: 4, offered: 0, oldest: first.body.createdAt })
    expect(list.body.entries.map(e => e.user.username)).toEqual([u2!.username, u3!.username])
    expect((await server.request('GET', `/api/screenings/${id}/waitlist`, { token: u2!.token })).status).toBe(403)

    // Someone else's entry is not found; one's own goes, once, and the next moves up.
    expect((await server.request('DELETE', `/api/waitlist/${first.body.id}`, { token: u3!.token })).status).toBe(404)
    expect((await server.request('DELETE', `/api/waitlist/${first.body.id}`, { token: u2!.token })).status).toBe(204)
    expect((await server.request('DELETE', `/api/waitlist/${first.body.id}`, { token: u2!.token })).status).toBe(204)
    expect(await mine(u2!.token)).toEqual([])
    expect((await mine(u3!.token))[0]!.position).toBe(1)
  })

  it('answers every bad request with a clear 4xx and changes nothing', async () => {
    const [id] = await screenings(server, adminToken, 2)
    const u = await createApprovedUser(server, adminToken)
    for (const body of [{}, { quantity: 0 }, { quantity: 11 }, { quantity: 1.5 }, { quantity: '2' }, { quantity: 2, extra: 1 }, { quantity: 2, category: 'Prime!' }]) {
      const res = await join(u.token, id!, body)
      expect(res.status, JSON.stringify(body)).toBe(400)
    }
    expect((await join(u.token, id!, { quantity: 3, category: 'prime' })).status).toBe(400) // no such category in this hall
    expect((await join(u.token, 999_999, { quantity: 1 })).status).toBe(404)
    expect((await server.request('POST', `/api/screenings/${id}/waitlist`, { body: { quantity: 3 } })).status).toBe(401)
    expect((await server.request('GET', '/api/waitlist')).status).toBe(401)
    expect((await server.request('DELETE', '/api/waitlist/abc', { token: u.token })).status).toBe(400)
    expect((await server.request('DELETE', '/api/waitlist/999999', { token: u.token })).status).toBe(404)
    expect(await mine(u.token)).toEqual([])
  })
})

describe('offers', () => {
  it('offers freed seats to the first entries whose request fits, held for them and emailed with a link; booking them ends the entry', async () => {
    const [id] = await screenings(server, adminToken, 4)
    const [owner, big, small, pair, stranger] = await Promise.all([1, 2, 3, 4, 5].map(() => createApprovedUser(server, adminToken)))
    const booking = (await book(owner!.token, { screeningId: id, seats: ['A1', 'A2', 'A3', 'A4'] })).body
    const e3 = (await join(big!.token, id!, { quantity: 3 })).body
    const e1 = (await join(small!.token, id!, { quantity: 1 })).body
    const e2 = (await join(pair!.token, id!, { quantity: 2 })).body
    expect([e3.position, e1.position, e2.position]).toEqual([1, 2, 3])

    // Two seats come back: the party of three does not fit, the single does; the pair would
    // need both, and one is gone to the single.
    const changed = await server.request<Booking>('PATCH', `/api/bookings/${booking.id}`, { token: owner!.token, body: { seats: ['A1', 'A2'] } })
    expect(changed.status).toBe(200)
    const [offer] = await mine(small!.token)
    expect(offer).toMatchObject({ id: e1.id, status: 'offered', position: null })
    expect(offer!.offer!.seats).toHaveLength(1)
    const offered = offer!.offer!.seats[0]!
    const minutes = (Date.parse(offer!.offer!.expiresAt) - Date.now()) / 60_000
    expect(minutes).toBeGreaterThan(28)
    expect(minutes).toBeLessThanOrEqual(30)
    expect((await mine(big!.token))[0]).toMatchObject({ status: 'waiting', position: 1 })
    expect((await mine(pair!.token))[0]).toMatchObject({ status: 'waiting', position: 2 })

    // Held on the seat map; nobody else can book or hold it.
    expect((await seatMap(id!)).find(s => s.label === offered)).toMatchObject({ taken: false, held: true })
    expect((await book(stranger!.token, { screeningId: id, seats: [offered] })).status).toBe(409)
    expect((await server.request('PUT', `/api/screenings/${id}/hold`, { token: stranger!.token, body: { seats: [offered] } })).status).toBe(409)

    // One email, with a link to the screening with the seat chosen.
    const emails = await offerEmails(small!.id)
    expect(emails).toHaveLength(1)
    const email = await server.request('GET', `/api/admin/outbox/${emails[0]!.id}`, { token: adminToken })
    expect(email.body.text).toContain(`/screenings/${id}?seats=${offered}&offer=${e1.id}`)
    expect(email.body.subject).toMatch(/^Seats for you: /)

    // Their own seat picking neither drops nor shortens the offer.
    const released = await server.request('PUT', `/api/screenings/${id}/hold`, { token: small!.token, body: { seats: [] } })
    expect(released.body).toMatchObject({ seats: [offered], offer: { seats: [offered], expiresAt: offer!.offer!.expiresAt } })
    expect((await seatMap(id!)).find(s => s.label === offered)!.held).toBe(true)

    const booked = await book(small!.token, { screeningId: id, seats: [offered] })
    expect(booked.status, JSON.stringify(booked.body)).toBe(201)
    expect(await mine(small!.token)).toEqual([])

    // The owner cancels: three seats are free, enough for the party of three, who are first.
    expect((await server.request('DELETE', `/api/bookings/${booking.id}`, { token: owner!.token })).status).toBe(200)
    const [bigOffer] = await mine(big!.token)
    expect(bigOffer!.offer!.seats).toHaveLength(3)
    expect((await mine(pair!.token))[0]).toMatchObject({ status: 'waiting', position: 1 })
    const list = (await server.request<ScreeningWaitlist>('GET', `/api/screenings/${id}/waitlist`, { token: adminToken })).body
    expect(list).toMatchObject({ size: 1, offered: 1 })
  })

  it('a move gives its old seats to the old screening\'s waiting list; declining passes an offer on at once', async () => {
    const [from, to] = await screenings(server, adminToken, 2, [5, 6])
    const [owner, first, second] = await Promise.all([1, 2, 3].map(() => createApprovedUser(server, adminToken)))
    const booking = (await book(owner!.token, { screeningId: from, quantity: 2 })).body
    const e1 = (await join(first!.token, from!, { quantity: 2 })).body
    await join(second!.token, from!, { quantity: 1 })

    const moved = await server.request<Booking>('POST', `/api/bookings/${booking.id}/move`, { token: owner!.token, body: { screeningId: to } })
    expect(moved.status).toBe(200)
    expect((await mine(first!.token))[0]!.offer!.seats).toEqual(['A1', 'A2'])
    expect((await mine(second!.token))[0]!.status).toBe('waiting')

    // The first declines: the seats go to the next at once (one of them: that is what they want).
    expect((await server.request('DELETE', `/api/waitlist/${e1.id}`, { token: first!.token })).status).toBe(204)
    const [next] = await mine(second!.token)
    expect(next!.offer!.seats).toHaveLength(1)
    expect((await seatMap(from!)).filter(s => s.held).map(s => s.label)).toEqual(next!.offer!.seats)
    expect(await offerEmails(second!.id)).toHaveLength(1)
  })

  it('a bigger hall offers its new seats to the waiting lists of its screenings', async () => {
    const venue = await server.request('POST', '/api/venues', { token: adminToken, body: { name: unique('Hall '), place: 'Nagpur', capacity: 2, seatsPerRow: 2 } })
    const show = await server.request('POST', '/api/shows', { token: adminToken, body: { name: unique('Show '), tags: [], ticketPrice: 300 } })
    const s = await server.request('POST', '/api/screenings', { token: adminToken, body: { showId: show.body.id, venueId: venue.body.id, startsAt: new Date(Date.now() + 4 * 86_400_000).toISOString() } })
    const [owner, waiter] = await Promise.all([1, 2].map(() => createApprovedUser(server, adminToken)))
    await book(owner!.token, { screeningId: s.body.id, quantity: 2 })
    await join(waiter!.token, s.body.id, { quantity: 2 })
    expect((await server.request('PATCH', `/api/venues/${venue.body.id}`, { token: adminToken, body: { capacity: 4, seatsPerRow: 4 } })).status).toBe(200)
    expect((await mine(waiter!.token))[0]!.offer!.seats).toHaveLength(2)
  })

  it('closing one\'s account leaves one\'s waiting lists: an offer goes on to the next person; the export lists them', async () => {
    const [id] = await screenings(server, adminToken, 2)
    const [owner, leaver, next] = await Promise.all([1, 2, 3].map(() => createApprovedUser(server, adminToken)))
    const booking = (await book(owner!.token, { screeningId: id, quantity: 2 })).body
    const entry = (await join(leaver!.token, id!, { quantity: 1 })).body
    await join(next!.token, id!, { quantity: 1 })
    const exported = await server.request('GET', '/api/account/export', { token: leaver!.token })
    expect(exported.body.waitlist).toEqual([expect.objectContaining({ id: entry.id, screeningId: id, quantity: 1, status: 'waiting', offeredSeats: [] })])

    expect((await server.request('PATCH', `/api/bookings/${booking.id}`, { token: owner!.token, body: { quantity: 1 } })).status).toBe(200)
    expect((await mine(leaver!.token))[0]!.status).toBe('offered')
    expect((await server.request('POST', '/api/account/close', { token: leaver!.token, body: { password: leaver!.password } })).status).toBe(204)
    expect((await mine(next!.token))[0]!.offer!.seats).toEqual(['A2'])
    expect((await seatMap(id!)).filter(s => s.held).map(s => s.label)).toEqual(['A2'])
  })

  it('the dashboard counts who is waiting and who waited in vain', async () => {
    const [id] = await screenings(server, adminToken, 1)
    const [owner, waiter] = await Promise.all([1, 2].map(() => createApprovedUser(server, adminToken)))
    await book(owner!.token, { screeningId: id, quantity: 1 })
    const before = (await server.request('GET', '/api/admin/stats', { token: adminToken })).body.waitlist
    await join(waiter!.token, id!, { quantity: 3 })
    const waiting = (await server.request('GET', '/api/admin/stats', { token: adminToken })).body.waitlist
    expect(waiting.waiting).toEqual({ people: before.waiting.people + 1, seats: before.waiting.seats + 3 })
    // The screening is cancelled with them still waiting: demand that went unserved.
    expect((await server.request('DELETE', `/api/screenings/${id}`, { token: adminToken })).status).toBe(204)
    const after = (await server.request('GET', '/api/admin/stats', { token: adminToken })).body.waitlist
    expect(after.waiting).toEqual(before.waiting)
    expect(after.unserved).toEqual({ people: before.unserved.people + 1, seats: before.unserved.seats + 3 })
    expect(await mine(waiter!.token)).toEqual([])
  })
})

describe('what time frees (short holds and offers)', () => {
  let quick: TestServer
  let quickAdmin: string
  let quickDb: Db
  afterAll(async () => {
    await quickDb?.destroy()
    await quick?.stop()
  })

  /** Runs the sweep until `done` holds (the server's own cron may get there first), for at most a minute. */
  async function sweepUntil(done: () => Promise<boolean>) {
    const deadline = Date.now() + 60_000
    while (!await done() && Date.now() < deadline) {
      expect((await quick.request('POST', '/api/admin/tasks/waitlist:offers', { token: quickAdmin })).status).toBe(200)
      await new Promise(resolve => setTimeout(resolve, 100))
    }
    expect(await done()).toBe(true)
  }

  it('an offer that lapses passes to the next entry, and an expired hold\'s seats are offered, each once', { timeout: 120_000 }, async () => {
    quick = await startServer({ env: { NUXT_OFFER_MINUTES: '0.05', NUXT_HOLD_MINUTES: '0.05' } })
    quickAdmin = await login(quick, ADMIN.username, ADMIN.password)
    quickDb = openServerDb(quick)
    const [id] = await screenings(quick, quickAdmin, 2)
    const [owner, holder, first, second] = await Promise.all([1, 2, 3, 4].map(() => createApprovedUser(quick, quickAdmin)))
    const booking = (await book(owner!.token, { screeningId: id, seats: ['A1'] }, quick)).body
    // The last seat is being chosen: to everyone else it is gone, so they may wait.
    expect((await quick.request('PUT', `/api/screenings/${id}/hold`, { token: holder!.token, body: { seats: ['A2'] } })).status).toBe(200)
    const e1 = (await join(first!.token, id!, { quantity: 1 }, quick)).body
    const e2 = (await join(second!.token, id!, { quantity: 1 }, quick)).body
    expect([e1.status, e2.status]).toEqual(['waiting', 'waiting'])
    const status = async (entryId: number) => (await quickDb.selectFrom('waitlist_entries').select('status').where('id', '=', entryId).executeTakeFirstOrThrow()).status

    // The hold runs out: the first person waiting is offered A2 (for 3 s).
    const offered: string[][] = []
    await sweepUntil(async () => {
      const [e] = await mine(first!.token, quick)
      if (e?.offer) offered.push(e.offer.seats)
      return offered.length > 0 || (await status(e1.id)) === 'lapsed'
    })
    expect(await status(e1.id)).toMatch(/offered|lapsed/)
    // They do not book; the offer lapses and goes to the second.
    await sweepUntil(async () => (await status(e2.id)) !== 'waiting')
    expect(await status(e1.id)).toBe('lapsed')
    expect(await mine(first!.token, quick)).toEqual([])
    expect(await quickDb.selectFrom('waitlist_entries').select('offered_seats').where('id', 'in', [e1.id, e2.id]).orderBy('id').execute()).toEqual([{ offered_seats: 'A2' }, { offered_seats: 'A2' }])
    // The owner cancels meanwhile: A1 is offered to nobody (nobody else waits) and is free.
    expect((await quick.request('DELETE', `/api/bookings/${booking.id}`, { token: owner!.token })).status).toBe(200)
    await sweepUntil(async () => (await status(e2.id)) === 'lapsed')
    expect((await seatMap(id!, quick)).filter(s => s.held || s.taken)).toEqual([])

    // Every offer was made and emailed once, however many sweeps ran.
    const emails = await quickDb.selectFrom('outbox').select('dedupe_key').where('kind', '=', 'waitlist-offer').where('user_id', 'in', [first!.id, second!.id]).execute()
    expect(emails.map(e => e.dedupe_key).sort()).toEqual([`waitlist-offer:${e1.id}`, `waitlist-offer:${e2.id}`])
    const runs = await quickDb.selectFrom('task_runs').select('error').where('name', '=', 'waitlist:offers').execute()
    expect(runs.length).toBeGreaterThan(0)
    expect(runs.filter(r => r.error)).toEqual([])
  })
})
