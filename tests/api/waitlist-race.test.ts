import { afterAll, describe, expect, it } from 'vitest'
import type { Db } from '../../server/db'
import { inspectDb } from '../helpers/inspect'
import { TEST_DATABASE_URL, createPgDatabase } from '../helpers/pg'
import { ADMIN, createApprovedUser, login, startServer } from '../helpers/server'
import type { Reply } from '../helpers/server'
import { openServerDb, unique } from '../helpers/fixtures'
import type { Booking } from '#shared/types/api'

// Waiting lists with two server processes on one PostgreSQL database (always PostgreSQL:
// SQLite is one process): seats freed by cancellations on both instances at once, with
// sweeps and strangers' bookings racing them, are offered first come first served, each
// seat to one person and each person once; offers that run out pass on exactly once when
// both instances sweep at the same moment.

const PG_BASE = TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const SECRET = 'waitlist-race-secret-shared-by-both-instances'

const cleanups: Array<() => Promise<void> | void> = []
afterAll(async () => {
  for (const c of cleanups.reverse()) await c()
})

interface Row { id: number, user_id: number, quantity: number, status: string, offered_seats: string | null }

/** What the database says, checked: one holder per seat, each offer as its entry says, nothing offered that is booked, first come first served. */
async function expectSettled(db: Db, screeningId: number, capacity: number): Promise<Row[]> {
  const now = new Date().toISOString()
  const entries = await db.selectFrom('waitlist_entries').select(['id', 'user_id', 'quantity', 'status', 'offered_seats']).where('screening_id', '=', screeningId).orderBy('id').execute()
  const offers = await db.selectFrom('seat_holds').select(['seat', 'waitlist_id', 'user_id']).where('screening_id', '=', screeningId).where('waitlist_id', 'is not', null).where('expires_at', '>', now).execute()
  const booked = new Set((await db.selectFrom('booking_seats').select('seat').where('screening_id', '=', screeningId).execute()).map(r => r.seat))
  for (const e of entries.filter(e => e.status === 'offered')) {
    const rows = offers.filter(o => o.waitlist_id === e.id)
    expect(rows.map(o => o.seat).sort(), `entry ${e.id}'s held seats`).toEqual(e.offered_seats!.split(',').sort())
    expect(rows).toHaveLength(e.quantity)
    expect(rows.every(o => o.user_id === e.user_id)).toBe(true)
  }
  expect(offers.filter(o => !entries.some(e => e.id === o.waitlist_id && e.status === 'offered'))).toEqual([])
  expect(offers.filter(o => booked.has(o.seat))).toEqual([])
  // Nobody still waiting would fit in what is free now (one row, no categories: any n free seats fit n).
  const held = new Set((await db.selectFrom('seat_holds').select('seat').where('screening_id', '=', screeningId).where('expires_at', '>', now).execute()).map(r => r.seat))
  const free = Array.from({ length: capacity }, (_, i) => `A${i + 1}`).filter(s => !booked.has(s) && !held.has(s)).length
  for (const e of entries.filter(e => e.status === 'waiting')) expect(e.quantity, `entry ${e.id} waits with ${free} seats free`).toBeGreaterThan(free)
  // One offer email per entry offered, ever.
  const emails = await db.selectFrom('outbox').select('dedupe_key').where('kind', '=', 'waitlist-offer').where('dedupe_key', 'in', entries.map(e => `waitlist-offer:${e.id}`)).execute()
  expect(emails.map(e => e.dedupe_key).sort()).toEqual(entries.filter(e => e.offered_seats).map(e => `waitlist-offer:${e.id}`).sort())
  return entries
}

describe('waiting lists with two instances on PostgreSQL', () => {
  it('offers each freed seat once, first come first served, and passes lapsed offers on once', { timeout: 180_000 }, async () => {
    const pgDb = await createPgDatabase(PG_BASE)
    cleanups.push(() => pgDb.drop())
    const one = await startServer({ databaseUrl: pgDb.url, env: { NUXT_AUTH_SECRET: SECRET } })
    cleanups.push(() => one.stop())
    const two = await startServer({ databaseUrl: pgDb.url, env: { NUXT_AUTH_SECRET: SECRET } })
    cleanups.push(() => two.stop())
    const db = openServerDb(one)
    cleanups.push(() => db.destroy())
    const servers = [one, two]
    const admin = await login(one, ADMIN.username, ADMIN.password)
    const capacity = 12

    const venue = await one.request('POST', '/api/venues', { token: admin, body: { name: unique('Hall '), place: 'Surat', capacity, seatsPerRow: capacity } })
    const show = await one.request('POST', '/api/shows', { token: admin, body: { name: unique('Show '), tags: [], ticketPrice: 200 } })
    const screening = await one.request('POST', '/api/screenings', { token: admin, body: { showId: show.body.id, venueId: venue.body.id, startsAt: new Date(Date.now() + 6 * 86_400_000).toISOString() } })
    const id: number = screening.body.id
    const people = async (n: number) => Promise.all(Array.from({ length: n }, () => createApprovedUser(one, admin)))
    const owners = await people(capacity)
    const waiters = await people(10)
    const strangers = await people(4)

    const bookings: Booking[] = []
    for (const o of owners) bookings.push((await one.request<Booking>('POST', '/api/bookings', { token: o.token, body: { screeningId: id, quantity: 1 } })).body)
    const wants = [2, 1, 3, 1, 2, 1, 4, 1, 2, 3]
    for (const [i, w] of waiters.entries()) {
      const res = await servers[i % 2]!.request('POST', `/api/screenings/${id}/waitlist`, { token: w.token, body: { quantity: wants[i] } })
      expect(res.status, JSON.stringify(res.body)).toBe(201)
    }

    // Every owner cancels at once, half on each instance, while both sweep and strangers try
    // to book whatever comes free.
    const at = (i: number) => servers[i % 2]!
    const replies: Array<Promise<Reply>> = [
      ...bookings.map((b, i) => at(i).request('DELETE', `/api/bookings/${b.id}`, { token: owners[i]!.token })),
      ...Array.from({ length: 6 }, (_, i) => at(i).request('POST', '/api/admin/tasks/waitlist:offers', { token: admin })),
      ...strangers.map((s, i) => at(i + 1).request('POST', '/api/bookings', { token: s.token, body: { screeningId: id, quantity: 1 } })),
    ]
    const answered = await Promise.all(replies)
    for (const r of answered.slice(0, capacity + 6)) expect(r.status, JSON.stringify(r.body)).toBe(200)
    for (const r of answered.slice(capacity + 6)) expect([201, 409], JSON.stringify(r.body)).toContain(r.status)

    const first = await expectSettled(db, id, capacity)
    expect(first.filter(e => e.status === 'offered').length).toBeGreaterThan(0)
    const runs = await db.selectFrom('task_runs').select('error').where('name', '=', 'waitlist:offers').execute()
    expect(runs.filter(r => r.error)).toEqual([])

    // Time passes for the open offers (as if NUXT_OFFER_MINUTES had gone by): ten sweeps at
    // once, five on each instance, pass each of them on exactly once.
    const past = new Date(Date.now() - 1000).toISOString()
    await db.updateTable('waitlist_entries').set({ offer_expires_at: past }).where('screening_id', '=', id).where('status', '=', 'offered').execute()
    await db.updateTable('seat_holds').set({ expires_at: past }).where('screening_id', '=', id).where('waitlist_id', 'is not', null).execute()
    const lastRun = (await db.selectFrom('task_runs').select(eb => eb.fn.max('id').as('id')).executeTakeFirstOrThrow()).id ?? 0
    const sweeps = await Promise.all(Array.from({ length: 10 }, (_, i) => at(i).request('POST', '/api/admin/tasks/waitlist:offers', { token: admin })))
    for (const s of sweeps) expect(s.status, JSON.stringify(s.body)).toBe(200)
    // Nitro runs one task at a time per instance (calls meanwhile share its run): the runs
    // recorded are what happened.
    const results = (await db.selectFrom('task_runs').select(['result', 'error']).where('name', '=', 'waitlist:offers').where('id', '>', Number(lastRun)).execute())
    expect(results.filter(r => r.error)).toEqual([])
    const sum = (key: 'lapsed' | 'offered') => results.reduce((n, r) => n + (JSON.parse(r.result ?? '{}')[key] ?? 0), 0)
    expect(sum('lapsed')).toBe(first.filter(e => e.status === 'offered').length)

    const second = await expectSettled(db, id, capacity)
    for (const e of first.filter(e => e.status === 'offered')) expect(second.find(x => x.id === e.id)!.status).toBe('lapsed')
    const newlyOffered = second.filter(e => e.status === 'offered')
    expect(sum('offered')).toBe(newlyOffered.length)
    expect(newlyOffered.length).toBeGreaterThan(0)
    const snap = await inspectDb({ databaseUrl: pgDb.url, dataDir: one.dataDir })
    expect(snap.doubleSold).toEqual([])
    expect(snap.bookingsOutOfStep).toEqual([])
  })
})
