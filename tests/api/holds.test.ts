import { afterAll, describe, expect, it } from 'vitest'
import type { Db } from '../../server/db'
import { createApprovedUser, useTestServer } from '../helpers/server'
import type { TestServer } from '../helpers/server'
import { openServerDb, unique } from '../helpers/fixtures'
import type { ScreeningDetail } from '#shared/types/api'

// Seat holds over HTTP on the built server: what one person picks is theirs for
// NUXT_HOLD_MINUTES while they choose; nobody else can hold or book it meanwhile; an expired
// hold frees its seats by itself; at most ten seats, on at most three screenings at once.

const DAY = 86_400_000

let server: TestServer
let adminToken: string
let db: Db

useTestServer((ready) => {
  ({ server, adminToken } = ready)
  db = openServerDb(server)
})
afterAll(() => db?.destroy())

type User = Awaited<ReturnType<typeof createApprovedUser>>
const hold = (u: User, screeningId: number, seats: string[]) => server.request('PUT', `/api/screenings/${screeningId}/hold`, { token: u.token, body: { seats } })
const book = (u: User, body: Record<string, unknown>) => server.request('POST', '/api/bookings', { token: u.token, body })
const seatMap = async (id: number) => (await server.request<ScreeningDetail>('GET', `/api/screenings/${id}`)).body

/** A screening in a hall of 3 rows of 5 (A–C), three days ahead. */
async function screening(inDays = 3): Promise<number> {
  const venue = await server.request('POST', '/api/venues', { token: adminToken, body: { name: `Hold Hall ${unique()}`, place: 'Pune', capacity: 15, seatsPerRow: 5 } })
  const show = await server.request('POST', '/api/shows', { token: adminToken, body: { name: `Hold Show ${unique()}`, ticketPrice: 10_000 } })
  const res = await server.request('POST', '/api/screenings', { token: adminToken, body: { showId: show.body.id, venueId: venue.body.id, startsAt: new Date(Date.now() + inDays * DAY).toISOString() } })
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  return res.body.id
}

describe('PUT /api/screenings/{id}/hold', () => {
  it('holds seats for 8 minutes; someone else can neither hold nor book them; the holder books them', async () => {
    const [ana, ben] = [await createApprovedUser(server, adminToken), await createApprovedUser(server, adminToken)]
    const id = await screening()
    const before = Date.now()
    const mine = await hold(ana, id, ['B3', 'B2'])
    expect(mine.status, JSON.stringify(mine.body)).toBe(200)
    expect(mine.body.seats).toEqual(['B2', 'B3'])
    const expires = Date.parse(mine.body.expiresAt)
    expect(expires).toBeGreaterThanOrEqual(before + 8 * 60_000 - 1000)
    expect(expires).toBeLessThanOrEqual(Date.now() + 8 * 60_000 + 1000)
    expect((await seatMap(id)).seats.filter(s => s.held).map(s => s.label)).toEqual(['B2', 'B3'])

    const clash = await hold(ben, id, ['B3', 'B4'])
    expect(clash.status).toBe(409)
    expect(clash.body.data).toMatchObject({ taken: ['B3'] })
    const stolen = await book(ben, { screeningId: id, seats: ['B2'] })
    expect(stolen.status).toBe(409)
    expect(stolen.body.data).toMatchObject({ taken: ['B2'] })
    expect(stolen.body.message).toMatch(/choosing B2/)
    // Best seats for someone else go round the held ones (B2, B3 are the middle of the house).
    const best = await book(ben, { screeningId: id, quantity: 2 })
    expect(best.status).toBe(201)
    expect(best.body.seats.filter((s: string) => s === 'B2' || s === 'B3')).toEqual([])

    // Changing the seats keeps the hold's expiry; the holder books them, which ends the hold.
    const moved = await hold(ana, id, ['B2', 'B3', 'C3'])
    expect(moved.body.expiresAt).toBe(mine.body.expiresAt)
    const booked = await book(ana, { screeningId: id, seats: ['B2', 'B3', 'C3'] })
    expect(booked.status, JSON.stringify(booked.body)).toBe(201)
    const after = await seatMap(id)
    expect(after.seats.filter(s => s.held)).toEqual([])
    expect(after.seats.filter(s => ['B2', 'B3', 'C3'].includes(s.label)).every(s => s.taken)).toBe(true)
    expect(await db.selectFrom('seat_holds').select('seat').where('screening_id', '=', id).execute()).toEqual([])
  })

  it('lets go with no seats, and an expired hold frees its seats by itself', async () => {
    const [ana, ben] = [await createApprovedUser(server, adminToken), await createApprovedUser(server, adminToken)]
    const id = await screening()
    expect((await hold(ana, id, ['A1'])).status).toBe(200)
    expect(await hold(ana, id, [])).toMatchObject({ status: 200, body: { seats: [], expiresAt: null } })
    expect((await hold(ben, id, ['A1'])).status).toBe(200)

    // Ben's hold runs out (moved into the past behind the API's back): Ana may have A1.
    expect((await hold(ana, id, ['A1'])).status).toBe(409)
    await db.updateTable('seat_holds').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('screening_id', '=', id).execute()
    expect((await seatMap(id)).seats.find(s => s.label === 'A1')).toMatchObject({ taken: false, held: false })
    expect((await book(ana, { screeningId: id, seats: ['A1'] })).status).toBe(201)
    // A new hold after an expired one runs for the full time again.
    const again = await hold(ben, id, ['A2'])
    expect(Date.parse(again.body.expiresAt)).toBeGreaterThan(Date.now() + 7 * 60_000)
  })

  it('holds at most ten seats, of the hall, on at most three screenings at once', async () => {
    const ana = await createApprovedUser(server, adminToken)
    const ids = [await screening(3), await screening(4), await screening(5), await screening(6)]
    const eleven = ['A1', 'A2', 'A3', 'A4', 'A5', 'B1', 'B2', 'B3', 'B4', 'B5', 'C1']
    expect((await hold(ana, ids[0]!, eleven)).status).toBe(400)
    expect((await hold(ana, ids[0]!, ['Z9'])).status).toBe(400)
    expect((await hold(ana, ids[0]!, ['A1', 'A1'])).status).toBe(400)
    expect((await hold(ana, ids[0]!, eleven.slice(0, 10))).status).toBe(200)
    expect((await hold(ana, ids[1]!, ['A1'])).status).toBe(200)
    expect((await hold(ana, ids[2]!, ['A1'])).status).toBe(200)
    const fourth = await hold(ana, ids[3]!, ['A1'])
    expect(fourth.status).toBe(409)
    expect(fourth.body.message).toMatch(/3 other screenings/)
    // Letting one go makes room.
    expect((await hold(ana, ids[2]!, [])).status).toBe(200)
    expect((await hold(ana, ids[3]!, ['A1'])).status).toBe(200)
  })

  it('is for approved members: 401 without a login, 404 for an unknown screening, 400 for a malformed body', async () => {
    const id = await screening()
    expect((await server.request('PUT', `/api/screenings/${id}/hold`, { body: { seats: ['A1'] } })).status).toBe(401)
    const ana = await createApprovedUser(server, adminToken)
    expect((await hold(ana, 987_654_321, ['A1'])).status).toBe(404)
    for (const body of [{}, { seats: 'A1' }, { seats: ['a1'] }, { seats: [], extra: 1 }])
      expect((await server.request('PUT', `/api/screenings/${id}/hold`, { token: ana.token, body })).status, JSON.stringify(body)).toBe(400)
  })

  it('two people racing for the same seats: exactly one holds each seat', async () => {
    const id = await screening()
    const people = await Promise.all(Array.from({ length: 6 }, () => createApprovedUser(server, adminToken)))
    const answers = await Promise.all(people.map(p => hold(p, id, ['C2', 'C3'])))
    expect(answers.filter(a => a.status === 200)).toHaveLength(1)
    expect(answers.filter(a => a.status === 409)).toHaveLength(5)
    const rows = await db.selectFrom('seat_holds').select(['seat', 'user_id']).where('screening_id', '=', id).execute()
    expect(rows.map(r => r.seat).sort()).toEqual(['C2', 'C3'])
    expect(new Set(rows.map(r => r.user_id)).size).toBe(1)
  })
})
