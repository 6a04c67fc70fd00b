import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApprovedUser, login, startServer, ADMIN } from '../helpers/server'
import type { Reply, TestServer } from '../helpers/server'
import { unique } from '../helpers/fixtures'

// Rate limits as a client meets them on the built server, at their real sizes (the other
// test files loosen the per-client ones). The store is PostgreSQL's table when the tests
// run there, memory on SQLite, and Redis where a test says so.

const servers: TestServer[] = []
afterAll(() => Promise.all(servers.map(s => s.stop())))

async function serve(env: Record<string, string> = {}): Promise<{ server: TestServer, adminToken: string }> {
  const server = await startServer({ env: { NUXT_RATE_LIMIT_FACTOR: '1', ...env } })
  servers.push(server)
  return { server, adminToken: await login(server, ADMIN.username, ADMIN.password) }
}

const statuses = (replies: Reply[]) => replies.map(r => r.status).sort().reduce<Record<number, number>>((n, s) => ({ ...n, [s]: (n[s] ?? 0) + 1 }), {})

/** 50 wrong passwords for one account at the same moment: how many were evaluated (401) and how many throttled (429). */
async function storm(server: TestServer, username: string, headers: Record<string, string> = {}) {
  const replies = await Promise.all(Array.from({ length: 50 }, (_, i) =>
    server.request('POST', '/api/auth/login', { body: { username, password: `wrong-password-${i}` }, headers })))
  return statuses(replies)
}

function expectLimited(res: Reply, message: RegExp) {
  expect(res.status, JSON.stringify(res.body)).toBe(429)
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
  expect(res.body).toEqual({ statusCode: 429, statusMessage: 'Too Many Requests', message: expect.stringMatching(message), data: { retryAfter: Number(res.headers.get('retry-after')) } })
}

describe('on the default store', () => {
  let server: TestServer
  let adminToken: string
  beforeAll(async () => {
    ({ server, adminToken } = await serve())
  })

  it('evaluates at most five of fifty simultaneous wrong passwords for one username, and then refuses the right one', async () => {
    const user = await createApprovedUser(server, adminToken)
    expect(await storm(server, user.username)).toEqual({ 401: 5, 429: 45 })
    expectLimited(await server.request('POST', '/api/auth/login', { body: { username: user.username, password: user.password } }), /^Too many failed logins; try again in \d+ minutes?$/)
  })

  it('refuses the eleventh registration from one address in an hour', async () => {
    const { server } = await serve()
    for (let i = 0; i < 10; i++) {
      const name = unique('reg')
      expect((await server.request('POST', '/api/auth/register', { body: { username: name, email: `${name}@example.test`, password: 'correct-horse-battery' } })).status).toBe(201)
    }
    const name = unique('reg')
    expectLimited(await server.request('POST', '/api/auth/register', { body: { username: name, email: `${name}@example.test`, password: 'correct-horse-battery' } }), /^Too many registrations from your address/)
  })

  it('lets a person browse, and stops a client that walks the catalogue', async () => {
    let limited: Reply | undefined
    for (let i = 0; i < 400 && !limited; i++) {
      const res = await server.request('GET', `/api/search?q=${unique('walk')}`)
      if (res.status === 429) limited = res
      else expect(res.status).toBe(200)
    }
    expect(limited, 'no 429 within 400 searches').toBeDefined()
    expectLimited(limited!, /^Too many requests; try again in \d+ seconds$/)
    expectLimited(await server.request('GET', '/api/shows'), /^Too many requests/)
  })

  it('limits poster uploads per admin', async () => {
    const show = await server.request('POST', '/api/shows', { token: adminToken, body: { name: unique('Poster '), ticketPrice: 100 } })
    const png = await sharp({ create: { width: 60, height: 90, channels: 3, background: '#336699' } }).png().toBuffer()
    let limited: Reply | undefined
    for (let i = 0; i < 40 && !limited; i++) {
      const form = new FormData()
      form.append('poster', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'poster.png')
      const res = await server.request('PUT', `/api/shows/${show.body.id}/poster`, { token: adminToken, body: form })
      if (res.status === 429) limited = res
      else expect(res.status, JSON.stringify(res.body)).toBe(200)
    }
    expectLimited(limited!, /^Too many poster uploads/)
  })
})

describe('behind a proxy', () => {
  it('never believes X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const { server, adminToken } = await serve()
    const user = await createApprovedUser(server, adminToken)
    expect(await storm(server, user.username, { 'x-forwarded-for': '203.0.113.7' })).toEqual({ 401: 5, 429: 45 })
    // Another claimed address is still the same client.
    expect((await server.request('POST', '/api/auth/login', { body: { username: user.username, password: user.password }, headers: { 'x-forwarded-for': '198.51.100.9' } })).status).toBe(429)
  })

  it('tells clients apart by X-Forwarded-For from a trusted proxy, so one cannot lock a username out for the others', async () => {
    const { server, adminToken } = await serve({ NUXT_TRUSTED_PROXIES: 'loopback' })
    const user = await createApprovedUser(server, adminToken)
    expect(await storm(server, user.username, { 'x-forwarded-for': '203.0.113.7' })).toEqual({ 401: 5, 429: 45 })
    expect((await server.request('POST', '/api/auth/login', { body: { username: user.username, password: user.password }, headers: { 'x-forwarded-for': '203.0.113.7' } })).status).toBe(429)
    expect((await server.request('POST', '/api/auth/login', { body: { username: user.username, password: user.password }, headers: { 'x-forwarded-for': '198.51.100.9' } })).status).toBe(200)
    // A client cannot pose as another by prepending to the header: the proxy's entry is the one that counts.
    expect((await server.request('POST', '/api/auth/login', { body: { username: user.username, password: user.password }, headers: { 'x-forwarded-for': '198.51.100.9, 203.0.113.7' } })).status).toBe(429)
  })
})

describe('on Redis', () => {
  it('evaluates at most five of fifty simultaneous wrong passwords, shared by two instances', async () => {
    const env = { NUXT_REDIS_URL: 'redis://127.0.0.1:6379', NUXT_AUTH_SECRET: 'rate-limit-redis-secret-0123456789abcdef' }
    const a = await serve(env)
    const b = await startServer({ env: { NUXT_RATE_LIMIT_FACTOR: '1', ...env }, dataDir: a.server.dataDir, databaseUrl: a.server.databaseUrl || undefined })
    servers.push(b)
    // Both connected to Redis (a limiter that cannot reach it counts on its own meanwhile).
    for (const s of [a.server, b]) await expect.poll(async () => (await s.request('GET', '/api/health')).body.cache).toBe('ok')
    const user = await createApprovedUser(a.server, a.adminToken)
    const replies = await Promise.all(Array.from({ length: 50 }, (_, i) =>
      (i % 2 ? a.server : b).request('POST', '/api/auth/login', { body: { username: user.username, password: `wrong-password-${i}` } })))
    expect(statuses(replies)).toEqual({ 401: 5, 429: 45 })
  })
})
