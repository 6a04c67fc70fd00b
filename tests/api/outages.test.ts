import { afterAll, describe, expect, it } from 'vitest'
import { inspectDb } from '../helpers/inspect'
import { ownRedis, tcpProxy } from '../helpers/outages'
import { TEST_DATABASE_URL, createPgDatabase } from '../helpers/pg'
import { ADMIN, createApprovedUser, login, startServer } from '../helpers/server'
import type { TestServer } from '../helpers/server'
import { unique } from '../helpers/fixtures'

// Surviving outages: a shutdown under load, Redis going away, the database going away.

const cleanups: Array<() => Promise<unknown>> = []
afterAll(async () => {
  for (const c of cleanups.reverse()) await c()
})

async function serve(opts: Parameters<typeof startServer>[0] = {}) {
  const server = await startServer(opts)
  cleanups.push(() => server.stop())
  return { server, adminToken: await login(server, ADMIN.username, ADMIN.password) }
}

async function screening(server: TestServer, adminToken: string, capacity = 5000) {
  const venue = await server.request('POST', '/api/venues', { token: adminToken, body: { name: unique('Hall '), place: 'Pune', capacity, seatsPerRow: 50 } })
  const show = await server.request('POST', '/api/shows', { token: adminToken, body: { name: unique('Show '), tags: [], ticketPrice: 100 } })
  const s = await server.request('POST', '/api/screenings', { token: adminToken, body: { showId: show.body.id, venueId: venue.body.id, startsAt: new Date(Date.now() + 7 * 86_400_000).toISOString() } })
  expect(s.status).toBe(201)
  return s.body.id as number
}

const lines = (server: TestServer, pattern: RegExp) => server.output().split('\n').filter(l => pattern.test(l))

describe('SIGTERM during a booking storm', () => {
  it('answers every request it took, keeps every booking it confirmed, refuses new connections, and exits cleanly', async () => {
    const { server, adminToken } = await serve()
    const screeningId = await screening(server, adminToken)
    const buyer = await createApprovedUser(server, adminToken)
    const outcomes = new Map<string, number>()
    const note = (k: string) => outcomes.set(k, (outcomes.get(k) ?? 0) + 1)
    let booked = 0
    let stopped = false
    const exited = new Promise<number | null>(resolve => server.process.once('exit', code => resolve(code)))
    const loops = Array.from({ length: 32 }, async () => {
      while (!stopped) {
        try {
          const res = await server.request('POST', '/api/bookings', { token: buyer.token, body: { screeningId, quantity: 1 } })
          note(String(res.status))
          if (res.status === 201) booked++
        }
        catch (err) {
          const code = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message
          note(code)
          // Refused before anything was sent: the server has stopped listening.
          if (code === 'ECONNREFUSED') return
        }
      }
    })
    await expect.poll(() => booked, { timeout: 30_000 }).toBeGreaterThan(100)
    server.process.kill('SIGTERM')
    expect(await exited).toBe(0)
    stopped = true
    await Promise.all(loops)

    // Every answer was a booking; every other outcome is a connection the server never
    // took (refused once it stopped listening, or one the kernel had queued and dropped
    // when the listener closed), never a request it took and left unanswered:
    const failures = [...outcomes.keys()].filter(k => !/^\d+$/.test(k))
    expect(failures.filter(k => !['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET'].includes(k)), JSON.stringify([...outcomes])).toEqual([])
    expect([...outcomes.keys()].filter(k => /^\d+$/.test(k) && k !== '201'), JSON.stringify([...outcomes])).toEqual([])
    // ...which the database proves: it holds exactly the bookings that were answered 201.
    const snap = await inspectDb(server)
    const counters = snap.screenings.find(s => s.id === screeningId)!
    expect(counters.confirmedSeats, JSON.stringify([...outcomes])).toBe(outcomes.get('201'))
    expect(counters.seatsSold).toBe(counters.seatRows)
    expect(lines(server, /stopped: requests answered, writes committed, database closed/)).toHaveLength(1)
  })
})

describe('with Redis gone', () => {
  it('bypasses the cache and answers from the database, says so once, and uses Redis again when it is back', async () => {
    const redis = await ownRedis()
    cleanups.push(redis.stop)
    const { server, adminToken } = await serve({ env: { NUXT_REDIS_URL: redis.url } })
    await expect.poll(async () => (await server.request('GET', '/api/health')).body.cache).toBe('ok')
    await screening(server, adminToken)
    expect((await server.request('GET', '/api/shows')).status).toBe(200)

    await redis.stop()
    await expect.poll(async () => (await server.request('GET', '/api/health')).body).toEqual({ status: 'degraded', database: 'ok', cache: 'degraded' })
    for (let i = 0; i < 10; i++) {
      expect((await server.request('GET', `/api/shows?page=${i + 1}`)).status).toBe(200)
      expect((await server.request('GET', `/api/search?q=${unique('s')}`)).status).toBe(200)
    }
    expect((await server.request('POST', '/api/auth/login', { body: { username: ADMIN.username, password: ADMIN.password } })).status).toBe(200)
    const home = await server.request('GET', '/', { headers: { accept: 'text/html' } })
    expect(home.status).toBe(200)
    await expect.poll(() => lines(server, /\[redis\] unreachable/)).toHaveLength(1)
    expect(lines(server, /ioredis|Unhandled error event|Cache read error|^\s+at /)).toEqual([])

    await redis.start()
    await expect.poll(async () => (await server.request('GET', '/api/health')).body.cache, { timeout: 20_000 }).toBe('ok')
    await expect.poll(() => lines(server, /\[redis\] reachable again/)).toHaveLength(1)
  })
})

describe('with the database gone', () => {
  it('answers 503 with Retry-After on every route until the database is back', async () => {
    const base = new URL(TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test')
    const pgDb = await createPgDatabase(base.toString())
    const proxy = await tcpProxy({ host: base.hostname, port: Number(base.port || 5432) })
    cleanups.push(() => pgDb.drop(), proxy.close)
    const url = new URL(pgDb.url)
    url.host = `127.0.0.1:${proxy.port}`
    const { server, adminToken } = await serve({ databaseUrl: url.toString() })
    await screening(server, adminToken)

    await proxy.cut()
    await expect.poll(async () => (await server.request('GET', '/api/shows?page=2')).status).toBe(503)
    for (const [method, path] of [['GET', '/api/shows'], ['GET', '/api/venues/1'], ['POST', '/api/auth/login'], ['GET', '/api/bookings'], ['GET', '/']] as const) {
      const res = await server.request(method, path, { body: method === 'POST' ? { username: 'x', password: 'y' } : undefined, headers: { accept: path === '/' ? 'text/html' : 'application/json' } })
      expect(res.status, `${method} ${path}`).toBe(503)
      expect(Number(res.headers.get('retry-after')), `${method} ${path}`).toBeGreaterThan(0)
      if (path.startsWith('/api/')) expect(res.body).toMatchObject({ statusCode: 503, statusMessage: 'Service Unavailable', message: expect.stringContaining('database') })
    }
    expect((await server.request('GET', '/api/health')).status).toBe(503)
    await expect.poll(() => lines(server, /\[db\] unreachable/)).toHaveLength(1)

    await proxy.restore()
    await expect.poll(async () => (await server.request('GET', '/api/health')).status, { timeout: 20_000 }).toBe(200)
    await expect.poll(async () => (await server.request('GET', '/api/shows')).status).toBe(200)
    await expect.poll(() => lines(server, /\[db\] reachable again/)).toHaveLength(1)
  })
})
