import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN, createApprovedUser, login, startServer } from '../helpers/server'
import type { TestServer } from '../helpers/server'
import { TEST_DATABASE_URL, createPgDatabase } from '../helpers/pg'
import { unique } from '../helpers/fixtures'

// The live seat map (GET /api/screenings/{id}/live, Server-Sent Events): a snapshot of the
// taken and held seats on connect, then what each change took, freed, held and let go, wherever it was made: on SQLite in the
// one process; across two processes through PostgreSQL's LISTEN/NOTIFY, and through Redis
// pub/sub when Redis is configured.

const PG = TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

interface SeatState { taken: string[], held: string[] }

interface SeatChange { taken: string[], freed: string[], held: string[], released: string[] }

/** The seats after a `change` event. */
function apply(s: SeatState, c: SeatChange): SeatState {
  const taken = new Set(s.taken)
  const held = new Set(s.held)
  for (const x of c.taken) taken.add(x)
  for (const x of c.freed) taken.delete(x)
  for (const x of c.held) held.add(x)
  for (const x of c.released) held.delete(x)
  return { taken: [...taken].sort(), held: [...held].filter(x => !taken.has(x)).sort() }
}

/** An open stream: the `seats` events as they arrive, and a way to wait for one that matches. */
async function openLive(server: TestServer, screeningId: number) {
  const controller = new AbortController()
  const res = await fetch(`${server.url}/api/screenings/${screeningId}/live`, { signal: controller.signal, headers: { accept: 'text/event-stream' } })
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
  const events: SeatState[] = []
  let state: SeatState = { taken: [], held: [] }
  let waiters: (() => void)[] = []
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
  void (async () => {
    let buffer = ''
    try {
      for (;;) {
        const { value, done } = await reader.read()
        if (done) return
        buffer += value
        let end
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const name = /^event: (.*)$/m.exec(block)?.[1]
          const data = /^data: (.*)$/m.exec(block)?.[1]
          if ((name === 'seats' || name === 'change') && data) {
            // A snapshot replaces the state; a change is applied to it.
            const d = JSON.parse(data)
            if (name === 'seats') state = d
            else state = apply(state, d)
            events.push(state)
            for (const w of waiters) w()
            waiters = []
          }
        }
      }
    }
    catch { /* aborted */ }
  })()
  return {
    events,
    /** Resolves with the first event (already received or to come) that satisfies `test`. */
    async until(test: (s: SeatState) => boolean): Promise<SeatState> {
      for (;;) {
        const found = events.find(test)
        if (found) return found
        await new Promise<void>(resolve => waiters.push(resolve))
      }
    },
    close: () => controller.abort(),
  }
}

async function screeningOn(server: TestServer, adminToken: string): Promise<number> {
  const venue = await server.request('POST', '/api/venues', { token: adminToken, body: { name: `Live Hall ${unique()}`, place: 'Pune', capacity: 20, seatsPerRow: 10 } })
  const show = await server.request('POST', '/api/shows', { token: adminToken, body: { name: `Live Show ${unique()}`, ticketPrice: 10_000 } })
  const res = await server.request('POST', '/api/screenings', { token: adminToken, body: { showId: show.body.id, venueId: venue.body.id, startsAt: new Date(Date.now() + 3 * 86_400_000).toISOString() } })
  expect(res.status).toBe(201)
  return res.body.id
}

/** A stream on `watcher` sees what is booked, held, let go and cancelled through `actor`. */
async function followsChanges(actor: TestServer, watcher: TestServer) {
  const adminToken = await login(actor, ADMIN.username, ADMIN.password)
  const id = await screeningOn(actor, adminToken)
  const user = await createApprovedUser(actor, adminToken)
  expect((await actor.request('POST', '/api/bookings', { token: user.token, body: { screeningId: id, seats: ['A1'] } })).status).toBe(201)

  const live = await openLive(watcher, id)
  try {
    // The snapshot on connect.
    expect(await live.until(() => true)).toEqual({ taken: ['A1'], held: [] })
    expect((await actor.request('PUT', `/api/screenings/${id}/hold`, { token: user.token, body: { seats: ['B5', 'B6'] } })).status).toBe(200)
    await live.until(s => s.held.includes('B5') && s.held.includes('B6'))
    const booking = await actor.request('POST', '/api/bookings', { token: user.token, body: { screeningId: id, seats: ['B5', 'B6'] } })
    expect(booking.status).toBe(201)
    expect(await live.until(s => s.taken.includes('B6'))).toEqual({ taken: expect.arrayContaining(['A1', 'B5', 'B6']), held: [] })
    // Changing a booking's seats gives the old ones back and takes the new ones.
    expect((await actor.request('PATCH', `/api/bookings/${booking.body.id}`, { token: user.token, body: { seats: ['B6', 'B7'] } })).status).toBe(200)
    expect(await live.until(s => s.taken.includes('B7') && !s.taken.includes('B5'))).toEqual({ taken: ['A1', 'B6', 'B7'], held: [] })
    // Someone else's hold, then their letting go of one seat.
    const other = await createApprovedUser(actor, adminToken)
    expect((await actor.request('PUT', `/api/screenings/${id}/hold`, { token: other.token, body: { seats: ['A5', 'A6'] } })).status).toBe(200)
    await live.until(s => s.held.includes('A6'))
    expect((await actor.request('PUT', `/api/screenings/${id}/hold`, { token: other.token, body: { seats: ['A6'] } })).status).toBe(200)
    expect(await live.until(s => s.held.length === 1 && s.held[0] === 'A6')).toEqual({ taken: ['A1', 'B6', 'B7'], held: ['A6'] })
    expect((await actor.request('DELETE', `/api/bookings/${booking.body.id}`, { token: user.token })).status).toBe(200)
    expect(await live.until(s => s.taken.length === 1 && s.held.includes('A6'))).toEqual({ taken: ['A1'], held: ['A6'] })
    // A second stream opened now starts from the same seats.
    const late = await openLive(watcher, id)
    try {
      expect(await late.until(() => true)).toEqual({ taken: ['A1'], held: ['A6'] })
    }
    finally {
      late.close()
    }
  }
  finally {
    live.close()
  }
}

describe('GET /api/screenings/{id}/live in one process (SQLite: in memory)', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startServer()
  })
  afterAll(() => server?.stop())

  it('sends a snapshot, then every booking, hold and cancellation as it happens', async () => {
    await followsChanges(server, server)
  })

  it('answers 404 for an unknown screening and 400 for a malformed id', async () => {
    expect((await server.request('GET', '/api/screenings/987654321/live')).status).toBe(404)
    expect((await server.request('GET', '/api/screenings/abc/live')).status).toBe(400)
  })
})

describe('an expiring hold', () => {
  let server: TestServer
  beforeAll(async () => {
    // Holds of 1.2 s, so one expires during the test.
    server = await startServer({ env: { NUXT_HOLD_MINUTES: '0.02' } })
  })
  afterAll(() => server?.stop())

  it('shows as let go on the stream when it expires, with nothing else happening', async () => {
    const adminToken = await login(server, ADMIN.username, ADMIN.password)
    const id = await screeningOn(server, adminToken)
    const user = await createApprovedUser(server, adminToken)
    const live = await openLive(server, id)
    try {
      await live.until(() => true)
      const hold = await server.request('PUT', `/api/screenings/${id}/hold`, { token: user.token, body: { seats: ['A3', 'A4'] } })
      expect(hold.status).toBe(200)
      await live.until(s => s.held.includes('A4'))
      const released = await live.until(s => live.events.indexOf(s) > 1 && !s.held.length)
      expect(released).toEqual({ taken: [], held: [] })
      // And the seats can be had by anyone again.
      expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(hold.body.expiresAt))
      const other = await createApprovedUser(server, adminToken)
      expect((await server.request('POST', '/api/bookings', { token: other.token, body: { screeningId: id, seats: ['A3'] } })).status).toBe(201)
    }
    finally {
      live.close()
    }
  })
})

describe('across two instances', () => {
  const secret = 'live-test-secret-0123456789abcdef-0123'
  const pair = async (env: Record<string, string>) => {
    const pg = await createPgDatabase(PG)
    const a = await startServer({ databaseUrl: pg.url, env: { NUXT_AUTH_SECRET: secret, ...env } })
    const b = await startServer({ databaseUrl: pg.url, env: { NUXT_AUTH_SECRET: secret, ...env } })
    return { a, b, stop: async () => {
      await a.stop()
      await b.stop()
      await pg.drop()
    } }
  }

  it('on PostgreSQL alone (LISTEN/NOTIFY), a change made through one shows on the other\'s stream', async () => {
    const { a, b, stop } = await pair({})
    try {
      await followsChanges(a, b)
    }
    finally {
      await stop()
    }
  })

  it('with Redis configured (pub/sub), likewise', async () => {
    const { a, b, stop } = await pair({ NUXT_REDIS_URL: REDIS })
    try {
      await followsChanges(a, b)
    }
    finally {
      await stop()
    }
  })
})
