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
      const api = await down.request('POST', '/api/auth/login', { body: { username: 'x', password: 'y' } })
      expect(api.status).toBe(503)
      expect(api.headers.get('retry-after')).toBeTruthy()
    }
    finally {
      await down.stop()
    }
  })
})
