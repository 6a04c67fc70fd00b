import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { inspectDb } from '../helpers/inspect'
import type { DbSnapshot } from '../helpers/inspect'
import { TEST_DATABASE_URL, createPgDatabase } from '../helpers/pg'
import { ADMIN, createApprovedUser, login, request, startServer } from '../helpers/server'
import { unique } from '../helpers/fixtures'
import type { Reply, TestServer } from '../helpers/server'
import type { Booking, Screening, ScreeningDetail } from '#shared/types/api'

// PostgreSQL is always there on these machines; TEST_DATABASE_URL points elsewhere.
const PG_BASE = TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const SECRET = 'concurrency-test-secret-shared-by-both-instances'

/** A small deterministic random source, so a failing storm can be replayed. */
function random(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

const cleanups: Array<() => Promise<void> | void> = []
afterAll(async () => {
  for (const c of cleanups.reverse()) await c()
})

/** Two server processes on a fresh PostgreSQL database, stopped and dropped after the tests. */
async function twoInstances() {
  const pgDb = await createPgDatabase(PG_BASE)
  cleanups.push(() => pgDb.drop())
  // One after the other, so the second finds the database migrated and the admin there.
  const one = await startServer({ databaseUrl: pgDb.url, env: { NUXT_AUTH_SECRET: SECRET } })
  cleanups.push(() => one.stop())
  const two = await startServer({ databaseUrl: pgDb.url, env: { NUXT_AUTH_SECRET: SECRET } })
  cleanups.push(() => two.stop())
  return { pgDb, one, two }
}

async function catalogue(server: TestServer, adminToken: string, opts: { capacity: number, seatsPerRow: number }): Promise<Screening> {
  const venue = await server.request('POST', '/api/venues', { token: adminToken, body: { name: unique('Hall '), place: 'Mumbai', capacity: opts.capacity, seatsPerRow: opts.seatsPerRow } })
  const show = await server.request('POST', '/api/shows', { token: adminToken, body: { name: unique('Show '), tags: [], ticketPrice: 250 } })
  const startsAt = new Date(Date.now() + 7 * 86_400_000).toISOString()
  const screening = await server.request<Screening>('POST', '/api/screenings', { token: adminToken, body: { showId: show.body.id, venueId: venue.body.id, startsAt } })
  expect(screening.status, JSON.stringify(screening.body)).toBe(201)
  return screening.body
}

async function approvedUsers(server: TestServer, adminToken: string, n: number) {
  return Promise.all(Array.from({ length: n }, () => createApprovedUser(server, adminToken)))
}

/** Every counter agrees with the seat rows, and no seat is sold twice. */
function expectConsistent(snap: DbSnapshot) {
  for (const s of snap.screenings) {
    expect(s.seatsSold, `screening ${s.id}: seats_sold vs booking_seats rows`).toBe(s.seatRows)
    expect(s.seatsSold, `screening ${s.id}: seats_sold vs confirmed bookings`).toBe(s.confirmedSeats)
    expect(s.seatsSold).toBeLessThanOrEqual(s.capacity)
  }
  expect(snap.bookingsOutOfStep).toEqual([])
  expect(snap.doubleSold).toEqual([])
}

interface Attempt { base: string, token: string, body: { screeningId: number, quantity: number } | { screeningId: number, seats: string[] } }

/**
 * 200 requests from 20 users for one 50-seat screening (5 rows of 10): three in four ask
 * for one seat, the rest for 1–3 seats of rows A and B, which overlap one another.
 */
function flashSale(bases: string[], tokens: string[], screeningId: number, seed: number): Attempt[] {
  const rnd = random(seed)
  return Array.from({ length: 200 }, (_, i) => {
    const base = bases[i % bases.length]!
    const token = tokens[i % tokens.length]!
    if (i % 4 !== 3) return { base, token, body: { screeningId, quantity: 1 } }
    const seats = new Set<string>()
    const want = 1 + Math.floor(rnd() * 3)
    while (seats.size < want) seats.add(`${rnd() < 0.5 ? 'A' : 'B'}${1 + Math.floor(rnd() * 10)}`)
    return { base, token, body: { screeningId, seats: [...seats] } }
  })
}

/** Fires every attempt at once and checks the outcome: exactly 50 seats sold, the rest 409. */
async function sellOut(attempts: Attempt[], screeningId: number, check: TestServer) {
  const replies = await Promise.all(attempts.map(a => request<Booking>(a.base, 'POST', '/api/bookings', { token: a.token, body: a.body })))
  const statuses = replies.map(r => r.status)
  const unexpected = replies.filter(r => r.status !== 201 && r.status !== 409)
  expect(unexpected.map(r => `${r.status} ${JSON.stringify(r.body)}`)).toEqual([])
  for (const r of replies.filter(r => r.status === 409)) expect(r.body).toMatchObject({ statusCode: 409, data: { seatsLeft: expect.any(Number) } })

  const sold = replies.filter(r => r.status === 201)
  const seats = sold.flatMap(r => r.body.seats)
  expect(seats).toHaveLength(50)
  expect(new Set(seats).size).toBe(50)
  for (const r of sold) expect(r.body.seats).toHaveLength(r.body.quantity)
  expect(statuses.filter(s => s === 409)).toHaveLength(200 - sold.length)

  const detail = await check.request<ScreeningDetail>('GET', `/api/screenings/${screeningId}`)
  expect(detail.body.seatsLeft).toBe(0)
  expect(detail.body.seats.filter(s => s.taken)).toHaveLength(50)
  expect(detail.body.seats.filter(s => s.taken).map(s => s.label).sort()).toEqual([...seats].sort())
  return { replies, sold }
}

describe('no oversell under concurrency', () => {
  it('sells exactly 50 seats when 200 requests from 20 users race for a 50-seat screening', { timeout: 60_000 }, async () => {
    const server = await startServer()
    cleanups.push(() => server.stop())
    const adminToken = await login(server, ADMIN.username, ADMIN.password)
    const screening = await catalogue(server, adminToken, { capacity: 50, seatsPerRow: 10 })
    const users = await approvedUsers(server, adminToken, 20)

    const attempts = flashSale([server.url], users.map(u => u.token), screening.id, 1)
    const { replies, sold } = await sellOut(attempts, screening.id, server)

    // Every booking answered 201 is there for its owner, exactly as answered, and nothing else is.
    for (const [i, r] of replies.entries()) {
      if (r.status !== 201) continue
      const now = await server.request<Booking>('GET', `/api/bookings/${r.body.id}`, { token: attempts[i]!.token })
      expect(now.body).toEqual(r.body)
    }
    const perUser = await Promise.all(users.map(u => server.request<{ items: Booking[] }>('GET', '/api/bookings?pageSize=100', { token: u.token })))
    const listed = perUser.flatMap(p => p.body.items)
    expect(listed.map(b => b.id).sort((a, b) => a - b)).toEqual(sold.map(r => r.body.id).sort((a, b) => a - b))

    expectConsistent(await inspectDb(server))
  })

  it('sells exactly 50 seats with two server processes sharing one PostgreSQL database', { timeout: 60_000 }, async () => {
    const { pgDb, one, two } = await twoInstances()

    const adminToken = await login(one, ADMIN.username, ADMIN.password)
    const screening = await catalogue(one, adminToken, { capacity: 50, seatsPerRow: 10 })
    const users = await approvedUsers(one, adminToken, 20)
    // A token from one instance works on the other.
    expect((await two.request('GET', '/api/bookings', { token: users[0]!.token })).status).toBe(200)

    const attempts = flashSale([one.url, two.url], users.map(u => u.token), screening.id, 2)
    const { replies } = await sellOut(attempts, screening.id, two)
    for (const base of [one.url, two.url]) {
      const mine = replies.filter((_, i) => attempts[i]!.base === base)
      expect(mine).toHaveLength(100)
      expect(mine.every(r => r.status === 201 || r.status === 409)).toBe(true)
    }
    expect((await one.request<ScreeningDetail>('GET', `/api/screenings/${screening.id}`)).body.seatsLeft).toBe(0)

    const snap = await inspectDb({ databaseUrl: pgDb.url, dataDir: one.dataDir })
    expectConsistent(snap)
    expect(snap.screenings.find(s => s.id === screening.id)).toMatchObject({ capacity: 50, seatsSold: 50, seatRows: 50 })
  })
})

/**
 * The flash sale again with holds in play: four people hold two seats each of row E before it
 * starts and book them during it; others ask for those seats outright (always refused);
 * five more pick seats of rows C and D (a hold) and let them go again, while the sale runs.
 * Nobody gets a seat someone else holds or has, nothing is sold twice, and what the holds
 * kept back can be sold afterwards: the hall ends exactly full.
 */
async function sellOutWithHolds(servers: TestServer[], adminToken: string) {
  const [first] = servers as [TestServer]
  const screening = await catalogue(first, adminToken, { capacity: 50, seatsPerRow: 10 })
  const id = screening.id
  const [racers, holders, choosers] = await Promise.all([approvedUsers(first, adminToken, 20), approvedUsers(first, adminToken, 4), approvedUsers(first, adminToken, 5)])
  const pairs = holders.map((_, i) => [`E${2 * i + 1}`, `E${2 * i + 2}`])
  for (const [i, h] of holders.entries()) expect((await first.request('PUT', `/api/screenings/${id}/hold`, { token: h.token, body: { seats: pairs[i] } })).status).toBe(200)
  const base = (i: number) => servers[i % servers.length]!.url

  const rnd = random(4)
  const sale = flashSale(servers.map(s => s.url), racers.map(u => u.token), id, 5)
  const grabs = pairs.flat().map((seat, i) => request<Booking>(base(i), 'POST', '/api/bookings', { token: racers[i]!.token, body: { screeningId: id, seats: [seat] } }))
  const own = holders.map((h, i) => request<Booking>(base(i + 1), 'POST', '/api/bookings', { token: h.token, body: { screeningId: id, seats: pairs[i] } }))
  const choosing = choosers.map(async (c, i) => {
    const seats = [`${rnd() < 0.5 ? 'C' : 'D'}${1 + Math.floor(rnd() * 10)}`]
    const hold = await request(base(i), 'PUT', `/api/screenings/${id}/hold`, { token: c.token, body: { seats } })
    expect([200, 409]).toContain(hold.status)
    expect((await request(base(i + 1), 'PUT', `/api/screenings/${id}/hold`, { token: c.token, body: { seats: [] } })).status).toBe(200)
  })
  const [replies, grabbed, booked] = await Promise.all([
    Promise.all(sale.map(a => request<Booking>(a.base, 'POST', '/api/bookings', { token: a.token, body: a.body }))),
    Promise.all(grabs),
    Promise.all(own),
    Promise.all(choosing),
  ])
  expect(replies.filter(r => r.status !== 201 && r.status !== 409).map(r => `${r.status} ${JSON.stringify(r.body)}`)).toEqual([])
  // Held seats went to their holders only.
  expect(grabbed.map(r => r.status)).toEqual(pairs.flat().map(() => 409))
  expect(booked.map(r => [r.status, r.body.seats])).toEqual(pairs.map(p => [201, p]))
  const heldSeats = new Set(pairs.flat())
  const sold = replies.filter(r => r.status === 201)
  expect(sold.flatMap(r => r.body.seats).filter(seat => heldSeats.has(seat))).toEqual([])

  // What the choosers' holds kept from the sale is still there to sell, and then no more.
  const rest: Booking[] = []
  for (;;) {
    const r = await first.request<Booking>('POST', '/api/bookings', { token: racers[rest.length % racers.length]!.token, body: { screeningId: id, quantity: 1 } })
    if (r.status === 409) break
    expect(r.status).toBe(201)
    rest.push(r.body)
  }
  const seats = [...sold.flatMap(r => r.body.seats), ...pairs.flat(), ...rest.flatMap(b => b.seats)]
  expect(seats).toHaveLength(50)
  expect(new Set(seats).size).toBe(50)
  const detail = await first.request<ScreeningDetail>('GET', `/api/screenings/${id}`)
  expect(detail.body.seatsLeft).toBe(0)
  expect(detail.body.seats.filter(s => s.held)).toEqual([])
}

describe('no oversell with seat holds in play', () => {
  it('one server: holders get their seats, nobody else does, and the hall ends exactly full', { timeout: 60_000 }, async () => {
    const server = await startServer()
    cleanups.push(() => server.stop())
    const adminToken = await login(server, ADMIN.username, ADMIN.password)
    await sellOutWithHolds([server], adminToken)
    expectConsistent(await inspectDb(server))
  })

  it('two server processes sharing one PostgreSQL database: likewise', { timeout: 60_000 }, async () => {
    const { pgDb, one, two } = await twoInstances()
    await sellOutWithHolds([one, two], await login(one, ADMIN.username, ADMIN.password))
    expectConsistent(await inspectDb({ databaseUrl: pgDb.url, dataDir: one.dataDir }))
  })
})

describe('a crash in the middle of a booking storm', () => {
  it('loses no booking answered 201, and the counters agree after a restart', { timeout: 60_000 }, async () => {
    // A data dir and database of the test's own, kept across the kill.
    const dataDir = mkdtempSync(join(tmpdir(), 'ticketshow-crash-'))
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }))
    let databaseUrl = ''
    if (TEST_DATABASE_URL) {
      const pgDb = await createPgDatabase()
      cleanups.push(() => pgDb.drop())
      databaseUrl = pgDb.url
    }
    const first = await startServer({ dataDir, databaseUrl })
    cleanups.push(() => first.stop())
    const adminToken = await login(first, ADMIN.username, ADMIN.password)
    const screenings = [] as Screening[]
    for (let i = 0; i < 4; i++) screenings.push(await catalogue(first, adminToken, { capacity: 100, seatsPerRow: 20 }))
    const users = await approvedUsers(first, adminToken, 20)
    // Four people are choosing seats of the first screening when the server dies.
    const holders = await approvedUsers(first, adminToken, 4)
    const held = holders.map((_, i) => [`E${2 * i + 1}`, `E${2 * i + 2}`])
    for (const [i, h] of holders.entries()) expect((await first.request('PUT', `/api/screenings/${screenings[0]!.id}/hold`, { token: h.token, body: { seats: held[i] } })).status).toBe(200)

    const rnd = random(3)
    const jobs = Array.from({ length: 300 }, (_, i) => ({
      user: users[i % users.length]!,
      body: { screeningId: screenings[Math.floor(rnd() * screenings.length)]!.id, quantity: 1 + Math.floor(rnd() * 2) },
    }))
    const answered: Array<{ job: typeof jobs[number], reply: Reply<Booking> }> = []
    let failed = 0
    let next = 0
    let killed = false
    const exited = new Promise(resolve => first.process.once('exit', resolve))
    const worker = async () => {
      while (!killed && next < jobs.length) {
        const job = jobs[next++]!
        try {
          const reply = await first.request<Booking>('POST', '/api/bookings', { token: job.user.token, body: job.body })
          answered.push({ job, reply })
        }
        catch {
          failed++ // the connection died with the server: no answer, no promise made
        }
        if (!killed && answered.length >= 100) {
          killed = true
          first.process.kill('SIGKILL')
        }
      }
    }
    await Promise.all(Array.from({ length: 20 }, worker))
    await exited
    expect(first.process.signalCode).toBe('SIGKILL')

    const acked = answered.filter(a => a.reply.status === 201)
    expect(answered.filter(a => a.reply.status !== 201 && a.reply.status !== 409).map(a => a.reply.status)).toEqual([])
    expect(acked.length).toBeGreaterThan(50)
    // The storm was cut short: not every request got its answer.
    expect(answered.length, `${failed} requests died with the server`).toBeLessThan(jobs.length)
    console.info(`[crash] ${acked.length} booked, ${answered.length - acked.length} refused, ${failed} cut off by the kill, ${jobs.length - answered.length - failed} never sent`)

    const second = await startServer({ dataDir, databaseUrl })
    cleanups.push(() => second.stop())
    for (const { job, reply } of acked) {
      const now = await second.request<Booking>('GET', `/api/bookings/${reply.body.id}`, { token: job.user.token })
      expect(now.status, `booking ${reply.body.id}`).toBe(200)
      expect(now.body).toMatchObject({ id: reply.body.id, reference: reply.body.reference, status: 'confirmed', quantity: reply.body.quantity, seats: reply.body.seats })
    }

    const snap = await inspectDb(second)
    expectConsistent(snap)
    for (const s of screenings) {
      const counters = snap.screenings.find(c => c.id === s.id)!
      const detail = await second.request<ScreeningDetail>('GET', `/api/screenings/${s.id}`)
      expect(detail.body.seatsLeft).toBe(counters.capacity - counters.seatRows)
      expect(detail.body.seats.filter(x => x.taken)).toHaveLength(counters.seatRows)
      // Everything acknowledged is among the seats sold (requests cut off may have committed too).
      const ackedSeats = acked.filter(a => a.job.body.screeningId === s.id).flatMap(a => a.reply.body.seats)
      const taken = new Set(detail.body.seats.filter(x => x.taken).map(x => x.label))
      expect(ackedSeats.filter(seat => !taken.has(seat))).toEqual([])
    }

    // The holds outlived the crash: nobody got those seats, and their holders book them now.
    const heldSeats = new Set(held.flat())
    expect(acked.filter(a => a.job.body.screeningId === screenings[0]!.id).flatMap(a => a.reply.body.seats).filter(seat => heldSeats.has(seat))).toEqual([])
    for (const [i, h] of holders.entries()) {
      const mine = await second.request<Booking>('POST', '/api/bookings', { token: h.token, body: { screeningId: screenings[0]!.id, seats: held[i] } })
      expect(mine.status, JSON.stringify(mine.body)).toBe(201)
    }

    // The restarted server goes on selling from where the counters are.
    const after = await second.request<Booking>('POST', '/api/bookings', { token: users[0]!.token, body: { screeningId: screenings[0]!.id, quantity: 1 } })
    expect(after.status).toBe(201)
    expectConsistent(await inspectDb(second))
  })
})
