import Redis from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN, createApprovedUser, login, startServer } from '../helpers/server'
import type { TestServer } from '../helpers/server'
import { TEST_DATABASE_URL, createPgDatabase } from '../helpers/pg'

// Several instances of the same build on one PostgreSQL and one Redis, by configuration
// alone: what one instance writes, the other serves at once, cache included.
const PG = TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

describe('two instances sharing PostgreSQL and Redis', () => {
  let a: TestServer
  let b: TestServer
  let drop: () => Promise<void>
  let adminToken: string
  const secret = 'multi-instance-test-secret-0123456789abcdef'

  beforeAll(async () => {
    const pg = await createPgDatabase(PG)
    drop = pg.drop
    const env = { NUXT_REDIS_URL: REDIS, NUXT_AUTH_SECRET: secret }
    a = await startServer({ databaseUrl: pg.url, env })
    b = await startServer({ databaseUrl: pg.url, env })
    adminToken = await login(a, ADMIN.username, ADMIN.password)
  })
  afterAll(async () => {
    await a?.stop()
    await b?.stop()
    await drop?.()
  })

  it('shares sessions: a token from one instance works on the other, and logout on one revokes it on both', async () => {
    const user = await createApprovedUser(a, adminToken)
    expect((await b.request('GET', '/api/auth/session', { token: user.token })).status).toBe(200)
    expect((await b.request('POST', '/api/auth/logout', { token: user.token })).status).toBe(200)
    expect((await a.request('GET', '/api/auth/session', { token: user.token })).status).toBe(401)
  })

  it('serves a catalogue change made on one instance from the other at once, through the shared Redis cache', async () => {
    const name = `Shared ${Date.now()}`
    // Warm instance B's cache for this query before the change.
    expect((await b.request('GET', `/api/shows?q=${encodeURIComponent(name)}`)).body.total).toBe(0)
    const venue = (await a.request('POST', '/api/venues', { token: adminToken, body: { name: 'Shared Hall', place: 'Pune', capacity: 20, seatsPerRow: 10 } })).body
    const show = (await a.request('POST', '/api/shows', { token: adminToken, body: { name, tags: ['shared'], ticketPrice: 10000 } })).body
    const res = await a.request('POST', '/api/screenings', { token: adminToken, body: { showId: show.id, venueId: venue.id, startsAt: new Date(Date.now() + 86_400_000).toISOString() } })
    expect(res.status).toBe(201)
    const seen = await b.request('GET', `/api/shows?q=${encodeURIComponent(name)}`)
    expect(seen.body.total).toBe(1)
    expect(seen.body.items[0].name).toBe(name)

    const redis = new Redis(REDIS)
    try {
      const keys = await redis.keys('ticketshow:*:cache:*')
      expect(keys.length).toBeGreaterThan(0)
    }
    finally {
      redis.disconnect()
    }
  })

  it('never sells a seat twice across instances', async () => {
    const venue = (await a.request('POST', '/api/venues', { token: adminToken, body: { name: 'Tiny', place: 'Pune', capacity: 5, seatsPerRow: 5 } })).body
    const show = (await a.request('POST', '/api/shows', { token: adminToken, body: { name: `Tiny show ${Date.now()}`, tags: [], ticketPrice: 100 } })).body
    const screening = (await a.request('POST', '/api/screenings', { token: adminToken, body: { showId: show.id, venueId: venue.id, startsAt: new Date(Date.now() + 2 * 86_400_000).toISOString() } })).body
    const users = await Promise.all([1, 2, 3, 4].map(() => createApprovedUser(a, adminToken)))
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).request('POST', '/api/bookings', { token: users[i % 4]!.token, body: { screeningId: screening.id, quantity: 1 } })))
    expect(answers.filter(r => r.status === 201)).toHaveLength(5)
    expect(answers.filter(r => r.status === 409)).toHaveLength(15)
    expect((await b.request('GET', `/api/screenings/${screening.id}`)).body.seatsLeft).toBe(0)
  })
})
