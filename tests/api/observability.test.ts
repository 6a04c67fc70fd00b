import { describe, expect, it } from 'vitest'
import { jsonLines, startServer, useTestServer } from '../helpers/server'
import type { ReadyServer } from '../helpers/server'

// What an operator reads: JSON log lines with levels and a request id, and the Prometheus
// metrics at /api/metrics (admins, or a scraper with NUXT_METRICS_TOKEN).
const METRICS_TOKEN = 'metrics-token-for-tests-0123456789'

let ready: ReadyServer
useTestServer((r) => {
  ready = r
}, { env: { NUXT_METRICS_TOKEN: METRICS_TOKEN } })

/** The value of one sample in a Prometheus text exposition, or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line)
    if (!match || match[1] !== name) continue
    const got = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map(m => [m[1], m[2]]))
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(match[3])
  }
  return undefined
}

describe('logs', () => {
  it('are one JSON object per line, with a level, a time, a message and the component that spoke', () => {
    const { server } = ready
    const lines = server.rawOutput().split('\n').filter(Boolean)
    expect(lines.length).toBeGreaterThan(0)
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow()
    const admin = jsonLines(server).find(l => String(l.msg).startsWith('created the first admin'))
    expect(admin).toMatchObject({ level: 'info', component: 'ticketshow' })
    expect(Date.parse(String(admin!.time))).toBeGreaterThan(0)
  })

  it('give each request an id, echoed in X-Request-Id and carried by its access line', async () => {
    const { server } = ready
    const mine = await server.request('GET', '/api/shows?q=logs', { headers: { 'x-request-id': 'proxy-given-id-42' } })
    expect(mine.headers.get('x-request-id')).toBe('proxy-given-id-42')
    const fresh = await server.request('GET', '/api/venues')
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    // A header that is not an id (too short, or with spaces) is replaced, not logged as given.
    const junk = await server.request('GET', '/api/venues', { headers: { 'x-request-id': 'a b' } })
    expect(junk.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    await expect.poll(() => jsonLines(server).find(l => l.reqId === 'proxy-given-id-42')).toMatchObject({
      level: 'info', msg: 'request', method: 'GET', path: '/api/shows?q=logs', route: '/api/shows', status: 200,
    })
    await expect.poll(() => jsonLines(server).find(l => l.reqId === fresh.headers.get('x-request-id'))).toMatchObject({ status: 200, route: '/api/venues' })
  })

  it('print readable lines with NUXT_LOG_FORMAT=pretty', async () => {
    const pretty = await startServer({ env: { NUXT_LOG_FORMAT: 'pretty' } })
    try {
      await pretty.request('GET', '/api/shows')
      await expect.poll(() => pretty.rawOutput()).toMatch(/INFO.*request/)
      expect(pretty.rawOutput()).toMatch(/created the first admin/)
      expect(pretty.rawOutput().split('\n').filter(l => l.startsWith('{"level"'))).toEqual([])
    }
    finally {
      await pretty.stop()
    }
  })
})

describe('GET /api/metrics', () => {
  it('is for admins and for the NUXT_METRICS_TOKEN only', async () => {
    const { server, member } = ready
    expect((await server.request('GET', '/api/metrics')).status).toBe(401)
    expect((await server.request('GET', '/api/metrics', { token: 'not-the-token' })).status).toBe(401)
    expect((await server.request('GET', '/api/metrics', { token: member.token })).status).toBe(403)
    const admin = await server.request('GET', '/api/metrics', { token: ready.adminToken })
    expect(admin.status).toBe(200)
    const scraper = await server.request('GET', '/api/metrics', { token: METRICS_TOKEN })
    expect(scraper.status).toBe(200)
    expect(scraper.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    expect(scraper.body).toMatch(/^# HELP ticketshow_http_requests_total/m)
    expect(sample(scraper.body, 'process_resident_memory_bytes')).toBeGreaterThan(0)
  })

  it('counts requests by route pattern and status, bookings, and the outbox backlog', async () => {
    const { server, adminToken, member } = ready
    const venue = await server.request('POST', '/api/venues', { token: adminToken, body: { name: 'Metrics Hall', place: 'Pune', capacity: 50, seatsPerRow: 10 } })
    const show = await server.request('POST', '/api/shows', { token: adminToken, body: { name: 'Metrics Night', ticketPrice: 10_000, tags: [] } })
    const screening = await server.request('POST', '/api/screenings', { token: adminToken, body: { showId: show.body.id, venueId: venue.body.id, startsAt: new Date(Date.now() + 3 * 86_400_000).toISOString() } })
    const read = (path: string) => server.request('GET', path, { token: METRICS_TOKEN }).then(r => r.body as string)

    const before = await read('/api/metrics')
    const shows = sample(before, 'ticketshow_http_requests_total', { method: 'GET', route: '/api/shows/:id', status: '200' }) ?? 0
    const missing = sample(before, 'ticketshow_http_requests_total', { method: 'GET', route: '/api/shows/:id', status: '404' }) ?? 0
    const created = sample(before, 'ticketshow_bookings_total', { action: 'created' }) ?? 0
    await server.request('GET', `/api/shows/${show.body.id}`)
    await server.request('GET', `/api/shows/${show.body.id}`)
    await server.request('GET', '/api/shows/999999')
    await server.request('GET', '/no/such/page/3f9')
    const booked = await server.request('POST', '/api/bookings', { token: member.token, body: { screeningId: screening.body.id, quantity: 2 } })
    expect(booked.status).toBe(201)
    const refused = await server.request('POST', '/api/bookings', { token: member.token, body: { screeningId: screening.body.id, quantity: 99 } })
    expect(refused.status).toBe(400)

    const after = await read('/api/metrics')
    expect(sample(after, 'ticketshow_http_requests_total', { method: 'GET', route: '/api/shows/:id', status: '200' })).toBe(shows + 2)
    expect(sample(after, 'ticketshow_http_requests_total', { method: 'GET', route: '/api/shows/:id', status: '404' })).toBe(missing + 1)
    expect(sample(after, 'ticketshow_http_request_duration_seconds_count', { method: 'GET', route: '/api/shows/:id' })).toBeGreaterThanOrEqual(shows + 3)
    expect(sample(after, 'ticketshow_bookings_total', { action: 'created' })).toBe(created + 1)
    // A random path is `other`, never a label of its own.
    expect(after).not.toContain('3f9')
    expect(sample(after, 'ticketshow_http_requests_total', { route: 'other', status: '404' })).toBeGreaterThanOrEqual(1)
    // The booking's confirmation waits in the outbox: the scheduler is off in tests.
    expect(sample(after, 'ticketshow_outbox_emails', { status: 'pending' })).toBeGreaterThanOrEqual(1)
    expect(sample(after, 'ticketshow_outbox_emails', { status: 'failed' })).toBe(0)
    if (!server.databaseUrl) expect(sample(after, 'ticketshow_group_commit_batch_size_count')).toBeGreaterThanOrEqual(1)
  })
})
