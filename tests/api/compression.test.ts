import { get } from 'node:http'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { unique } from '../helpers/fixtures'
import { useTestServer } from '../helpers/server'
import type { TestServer } from '../helpers/server'

// The server compresses by itself (the README runs it without a proxy): the API's JSON and
// other dynamic answers, the cached pages, and the built assets, as the browser accepts.

let server: TestServer
let adminToken: string
useTestServer(ready => ({ server, adminToken } = ready))

/** Bytes as sent (fetch would decompress them), with the headers. */
function raw(path: string, acceptEncoding: string): Promise<{ status: number, headers: Record<string, string | string[] | undefined>, body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(server.url + path, { headers: { 'accept-encoding': acceptEncoding } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }))
    }).on('error', reject)
  })
}

const decode = (r: Awaited<ReturnType<typeof raw>>) => r.headers['content-encoding'] === 'br' ? brotliDecompressSync(r.body) : r.headers['content-encoding'] === 'gzip' ? gunzipSync(r.body) : r.body

describe('compression', () => {
  it('compresses the API\'s JSON with brotli or gzip as asked, and not at all when not asked', async () => {
    const plain = await raw('/api/openapi.json', 'identity')
    expect(plain.headers['content-encoding']).toBeUndefined()
    for (const encoding of ['br', 'gzip']) {
      const r = await raw('/api/openapi.json', encoding)
      expect(r.status).toBe(200)
      expect(r.headers['content-encoding']).toBe(encoding)
      expect(String(r.headers.vary).toLowerCase()).toContain('accept-encoding')
      expect(r.body.length).toBeLessThan(plain.body.length / 3)
      expect(JSON.parse(decode(r).toString())).toEqual(JSON.parse(plain.body.toString()))
    }
  })

  it('sends a cached catalogue answer compressed, and the new answer once an admin changes the catalogue', async () => {
    const venue = await server.request<{ id: number }>('POST', '/api/venues', { token: adminToken, body: { name: unique('Packed Hall '), place: 'Pune', capacity: 40, seatsPerRow: 8 } })
    let days = 2
    const schedule = async (name: string) => {
      const show = await server.request<{ id: number }>('POST', '/api/shows', { token: adminToken, body: { name, description: 'A long evening. '.repeat(100), tags: ['drama'], ticketPrice: 20_000 } })
      const screening = await server.request('POST', '/api/screenings', { token: adminToken, body: { showId: show.body.id, venueId: venue.body.id, startsAt: new Date(Date.now() + ++days * 86_400_000).toISOString() } })
      expect(screening.status).toBe(201)
    }
    const names = async (encoding: string) => {
      const r = await raw('/api/shows?pageSize=100', encoding)
      expect(r.headers['content-encoding']).toBe(encoding)
      return (JSON.parse(decode(r).toString()) as { items: { name: string }[] }).items.map(s => s.name)
    }
    const first = unique('Packed Show ')
    await schedule(first)
    // The same answer again and again (its compressed forms are made once and kept with it).
    const before = await names('br')
    expect(before).toContain(first)
    expect(await names('br')).toEqual(before)
    expect(await names('gzip')).toEqual(before)
    const second = unique('Packed Show ')
    await schedule(second)
    for (const encoding of ['br', 'gzip']) expect(await names(encoding)).toEqual(expect.arrayContaining([first, second]))
  })

  it('leaves small answers as they are', async () => {
    const r = await raw('/api/health', 'br, gzip')
    expect(r.headers['content-encoding']).toBeUndefined()
    expect(JSON.parse(r.body.toString())).toMatchObject({ status: 'ok' })
  })

  it('sends a readable error page to a browser that accepts brotli', async () => {
    for (const encoding of ['br', 'gzip']) {
      const r = await raw('/shows/2000000', encoding)
      expect(r.status).toBe(404)
      expect(decode(r).toString()).toContain('Page not found')
    }
  })

  it('serves the built JavaScript and CSS compressed at build time', async () => {
    const html = decode(await raw('/login', 'br')).toString()
    const assets = [...html.matchAll(/(?:src|href)="(\/_nuxt\/[^"]+\.(?:js|css))"/g)].map(m => m[1]!)
    expect(assets.length).toBeGreaterThan(0)
    for (const asset of assets.slice(0, 5)) {
      const r = await raw(asset, 'br, gzip')
      expect(r.status, asset).toBe(200)
      if (r.body.length > 1024 || r.headers['content-encoding']) expect(['br', 'gzip'], asset).toContain(r.headers['content-encoding'])
    }
  })
})
