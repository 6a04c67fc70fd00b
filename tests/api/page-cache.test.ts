import { get } from 'node:http'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { createApprovedUser, jsonLines, useTestServer } from '../helpers/server'
import type { TestServer } from '../helpers/server'
import { unique } from '../helpers/fixtures'

// The public pages come from a cache: rendered once for everybody, so nothing personal may
// ever be in them; changed by an admin, they change at once; seat counts a few seconds old
// at most; sent compressed.

let server: TestServer
let adminToken: string
let screeningId: number
let showId: number
let venueId: number
useTestServer(async (ready) => {
  ({ server, adminToken } = ready)
  const venue = await server.request('POST', '/api/venues', { token: adminToken, body: { name: unique('Cache Hall '), place: 'Pune', capacity: 40, seatsPerRow: 8 } })
  const show = await server.request('POST', '/api/shows', { token: adminToken, body: { name: unique('Cached Show '), tags: ['drama'], ticketPrice: 20_000 } })
  const screening = await server.request('POST', '/api/screenings', { token: adminToken, body: { showId: show.body.id, venueId: venue.body.id, startsAt: new Date(Date.now() + 3 * 86_400_000).toISOString() } })
  ;[venueId, showId, screeningId] = [venue.body.id, show.body.id, screening.body.id]
})

const pages = () => ['/', `/shows/${showId}`, `/venues/${venueId}`, `/screenings/${screeningId}`]

/** A page as a browser gets it, bytes as sent (fetch would decompress them): with the session cookie when `token` is given. */
function page(path: string, opts: { token?: string, encoding?: string } = {}): Promise<{ res: { status: number, headers: Headers }, html: string, raw: Buffer }> {
  const headers: Record<string, string> = { 'accept': 'text/html', 'accept-encoding': opts.encoding ?? 'identity' }
  if (opts.token) headers.cookie = `auth.token=${encodeURIComponent(`Bearer ${opts.token}`)}`
  return new Promise((resolve, reject) => {
    get(server.url + path, { headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const raw = Buffer.concat(chunks)
        const encoding = res.headers['content-encoding']
        const html = (encoding === 'br' ? brotliDecompressSync(raw) : encoding === 'gzip' ? gunzipSync(raw) : raw).toString()
        const h = new Headers()
        for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) h.set(name, String(value))
        resolve({ res: { status: res.statusCode!, headers: h }, html, raw })
      })
    }).on('error', reject)
  })
}

describe('cached public pages', () => {
  it('never carry anything of whoever asked first, whoever asks next', async () => {
    const first = await createApprovedUser(server, adminToken, unique('firstvisitor'))
    const second = await createApprovedUser(server, adminToken, unique('secondvisitor'))
    const booked = await server.request('POST', '/api/bookings', { token: first.token, body: { screeningId, seats: ['C3'] } })
    expect(booked.status).toBe(201)
    for (const path of pages()) {
      // The first visitor makes the page; then it is read anonymously and as someone else.
      const views = [await page(path, { token: first.token }), await page(path), await page(path, { token: second.token })]
      for (const { res, html } of views) {
        expect(res.status, path).toBe(200)
        for (const trace of [first.username, `${first.username}@example.test`, booked.body.reference, first.token.split('.')[1]!])
          expect(html, `${path} carries ${trace}`).not.toContain(trace)
        expect(res.headers.get('set-cookie'), path).toBeNull()
      }
      expect(views[2]!.html, path).not.toContain(second.username)
    }
  })

  it('show an admin\'s change at once', async () => {
    const renamed = unique('Renamed Show ')
    expect((await page(`/shows/${showId}`)).html).not.toContain(renamed)
    expect((await server.request('PATCH', `/api/shows/${showId}`, { token: adminToken, body: { name: renamed } })).status).toBe(200)
    for (const path of pages().slice(1)) expect((await page(path)).html, path).toContain(renamed)
  })

  it('show seats others booked within a few seconds', async () => {
    const before = await page(`/screenings/${screeningId}`)
    const left = Number(/(\d+) of 40 seats left/.exec(before.html)?.[1])
    const buyer = await createApprovedUser(server, adminToken)
    expect((await server.request('POST', '/api/bookings', { token: buyer.token, body: { screeningId, quantity: 2 } })).status).toBe(201)
    await expect.poll(async () => (await page(`/screenings/${screeningId}`)).html, { timeout: 15_000, interval: 250 }).toContain(`${left - 2} of 40 seats left`)
  })

  it('are sent compressed as the browser accepts, the same page', async () => {
    const plain = await page('/')
    for (const encoding of ['br', 'gzip']) {
      const { res, html, raw } = await page('/', { encoding: `${encoding}, deflate` })
      expect(res.headers.get('content-encoding')).toBe(encoding)
      expect(res.headers.get('vary')?.toLowerCase()).toContain('accept-encoding')
      // HTML compresses to well under a third (gzip about 4×, brotli more).
      expect(raw.length).toBeLessThan(plain.raw.length / 3)
      expect(html.replace(/nonce="[^"]+"/g, '')).toBe(plain.html.replace(/nonce="[^"]+"/g, ''))
    }
    expect(plain.res.headers.get('content-encoding')).toBeNull()
  })

  it('share one copy among links that differ only in parameters the page does not read', async () => {
    const plain = await page(`/shows/${showId}`)
    const tagged = await page(`/shows/${showId}?utm_source=newsletter`)
    expect(tagged.res.headers.get('content-security-policy')).toBe(plain.res.headers.get('content-security-policy'))
    expect(tagged.html).toBe(plain.html)
  })

  it('keep the security headers of the render, and the CSP nonce matching the page', async () => {
    // The first answer may be the render itself; the next ones come from the page this
    // process holds, where nuxt-security stands aside (server/plugins/page-cache.ts).
    for (let i = 0; i < 3; i++) {
      const { res, html } = await page('/')
      const csp = res.headers.get('content-security-policy') ?? ''
      const nonce = /'nonce-([^']+)'/.exec(csp)?.[1]
      expect(nonce).toBeTruthy()
      expect(csp).toContain('\'strict-dynamic\'')
      expect(html).toContain(`nonce="${nonce}"`)
      expect(html).not.toContain('kept-with-the-page')
      expect(res.headers.get('x-frame-options')).toBe('DENY')
      expect(res.headers.get('x-powered-by')).toBeNull()
    }
  })

  it('are each given their own request id, an access line and a count, though sent before any middleware', async () => {
    const ids: string[] = []
    for (let i = 0; i < 3; i++) {
      const { res } = await page(`/venues/${venueId}`, { encoding: 'br' })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-encoding')).toBe('br')
      ids.push(res.headers.get('x-request-id') ?? '')
    }
    expect(new Set(ids).size).toBe(3)
    for (const id of ids) {
      await expect.poll(() => jsonLines(server).find(l => l.reqId === id)).toMatchObject({ msg: 'request', method: 'GET', path: `/venues/${venueId}`, status: 200 })
    }
  })
})
