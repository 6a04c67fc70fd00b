import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer } from '../helpers/server'
import type { TestServer } from '../helpers/server'

describe('GET /api/health', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startServer()
  })
  afterAll(() => server?.stop())

  it('answers 200 {status:"ok"} when the database answers, with the cache in memory (no Redis)', async () => {
    const res = await server.request('GET', '/api/health')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ status: 'ok', database: 'ok', cache: 'memory' })
  })

  it('GET /api/health/live and /api/health/ready answer 200 on a serving instance without Redis', async () => {
    const live = await server.request('GET', '/api/health/live')
    expect(live.status).toBe(200)
    expect(live.body).toMatchObject({ status: 'ok' })
    expect(live.body.uptime).toBeGreaterThanOrEqual(0)
    const ready = await server.request('GET', '/api/health/ready')
    expect(ready.status).toBe(200)
    expect(ready.body).toEqual({ status: 'ready', database: 'ok', redis: 'not configured' })
  })

  it('ready checks Redis when it is configured: 200 while it answers, 503 (still live) while it does not', async () => {
    const withRedis = await startServer({ env: { NUXT_REDIS_URL: 'redis://127.0.0.1:6379' } })
    const noRedis = await startServer({ env: { NUXT_REDIS_URL: 'redis://127.0.0.1:1' } })
    try {
      await expect.poll(async () => (await withRedis.request('GET', '/api/health/ready')).body).toEqual({ status: 'ready', database: 'ok', redis: 'ok' })
      const ready = await noRedis.request('GET', '/api/health/ready')
      expect(ready.status).toBe(503)
      expect(ready.headers.get('retry-after')).toBe('5')
      expect(ready.body).toEqual({ status: 'unavailable', database: 'ok', redis: 'unavailable' })
      // It still serves from the database meanwhile: the looser check and liveness stay 200.
      expect((await noRedis.request('GET', '/api/health')).body).toMatchObject({ status: 'degraded', cache: 'degraded' })
      expect((await noRedis.request('GET', '/api/health/live')).status).toBe(200)
    }
    finally {
      await withRedis.stop()
      await noRedis.stop()
    }
  })

  it('answers 503 while the database cannot be reached, and the API refuses with 503', async () => {
    const down = await startServer({ databaseUrl: 'postgres://postgres@127.0.0.1:1/nowhere', noWait: true })
    try {
      let res
      for (let i = 0; i < 100; i++) {
        res = await down.request('GET', '/api/health').catch(() => undefined)
        if (res) break
        await new Promise(r => setTimeout(r, 100))
      }
      expect(res?.status).toBe(503)
      // Alive (do not restart it), but not ready (send it no traffic).
      expect((await down.request('GET', '/api/health/live')).status).toBe(200)
      const ready = await down.request('GET', '/api/health/ready')
      expect(ready.status).toBe(503)
      expect(ready.body).toMatchObject({ status: 'starting', database: 'starting' })
      const api = await down.request('POST', '/api/auth/login', { body: { username: 'x', password: 'y' } })
      expect(api.status).toBe(503)
      expect(api.headers.get('retry-after')).toBeTruthy()
    }
    finally {
      await down.stop()
    }
  })
})
