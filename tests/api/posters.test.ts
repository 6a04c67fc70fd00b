import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, describe, expect, it } from 'vitest'
import type { Db } from '../../server/db'
import { openServerDb } from '../helpers/fixtures'
import { ADMIN, login, startServer, useTestServer } from '../helpers/server'
import type { TestServer } from '../helpers/server'

// PUT /api/shows/{id}/poster and GET /posters/{file} on the built server.

const MB = 1024 * 1024
const POSTER_URL = /^\/posters\/(\d+)-[0-9a-f]{16}-600\.webp$/

let server: TestServer
let adminToken: string
let userToken: string

let db: Db
useTestServer((ready) => {
  ({ server, adminToken, member: { token: userToken } } = ready)
  db = openServerDb(server)
})
afterAll(() => db?.destroy())

let seq = 0
async function newShow(): Promise<{ id: number, name: string }> {
  const res = await server.request('POST', '/api/shows', { token: adminToken, body: { name: `Poster show ${seq++}`, ticketPrice: 100 } })
  expect(res.status).toBe(201)
  return res.body
}

/** A real image, landscape so that the 2:3 crop has work to do. */
function image(format: 'png' | 'jpeg' | 'webp' | 'gif', width = 800, height = 500): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 90 } } })
    .composite([{ input: { create: { width: Math.floor(width / 2), height: Math.floor(height / 2), channels: 3, background: '#123456' } }, top: 0, left: 0 }])[format]()
    .toBuffer()
}

function form(data: Uint8Array | string, filename = 'poster.png', type = 'image/png', field = 'poster'): FormData {
  const body = new FormData()
  body.append(field, new Blob([typeof data === 'string' ? data : new Uint8Array(data)], { type }), filename)
  return body
}

/** Uploads as the admin, as someone else, or anonymously (token null). */
function upload(showId: number | string, body: FormData, token: string | null = adminToken) {
  return server.request('PUT', `/api/shows/${showId}/poster`, { token: token ?? undefined, body })
}

/** GET of a path as raw bytes (the helper would decode text). */
async function fetchRaw(path: string, method = 'GET') {
  const res = await fetch(server.url + path, { method, redirect: 'manual' })
  return { status: res.status, headers: res.headers, data: Buffer.from(await res.arrayBuffer()) }
}

/** The poster files the server keeps (in its database, not in a folder). */
async function posterFiles(): Promise<string[]> {
  const rows = await db.selectFrom('files').select('key').where('key', 'like', 'posters:%').orderBy('key').execute()
  return rows.map(r => r.key.slice('posters:'.length))
}

describe('PUT /api/shows/{id}/poster', () => {
  it('accepts a real PNG: 200 with the show and a root-relative /posters/….webp posterUrl', async () => {
    const show = await newShow()
    const res = await upload(show.id, form(await image('png')))
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ id: show.id, name: show.name, posterUrl: expect.stringMatching(POSTER_URL) })
    expect(res.body.posterUrl.match(POSTER_URL)[1]).toBe(String(show.id))
    // The show reads back with the same poster.
    expect((await server.request('GET', `/api/shows/${show.id}`)).body.posterUrl).toBe(res.body.posterUrl)
  })

  it('serves the poster as a 600×900 WebP with nosniff and a long immutable cache', async () => {
    const show = await newShow()
    const { body } = await upload(show.id, form(await image('png')))
    const res = await fetchRaw(body.posterUrl)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/webp')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    const cache = res.headers.get('cache-control') ?? ''
    expect(cache).toMatch(/\bimmutable\b/)
    expect(cache).toMatch(/\bpublic\b/)
    expect(Number(/max-age=(\d+)/.exec(cache)?.[1])).toBeGreaterThanOrEqual(365 * 24 * 3600)
    const meta = await sharp(res.data).metadata()
    expect(meta).toMatchObject({ format: 'webp', width: 600, height: 900 })
    // HEAD answers too.
    const head = await fetchRaw(body.posterUrl, 'HEAD')
    expect(head.status).toBe(200)
    expect(head.headers.get('content-type')).toBe('image/webp')
  })

  it('serves a 300×450 thumbnail too', async () => {
    const show = await newShow()
    const { body } = await upload(show.id, form(await image('png')))
    expect(body.posterThumbUrl).toMatch(/^\/posters\/\d+-[0-9a-f]{16}-300\.webp$/)
    const res = await fetchRaw(body.posterThumbUrl)
    expect(res.status).toBe(200)
    expect(await sharp(res.data).metadata()).toMatchObject({ format: 'webp', width: 300, height: 450 })
  })

  it.each([
    ['a JPEG', 'jpeg', 'poster.jpg', 'image/jpeg'],
    ['a WebP', 'webp', 'poster.webp', 'image/webp'],
    ['a PNG named .txt and sent as text/plain', 'png', 'notes.txt', 'text/plain'],
  ] as const)('accepts %s, judged by its content', async (_, format, filename, type) => {
    const show = await newShow()
    const res = await upload(show.id, form(await image(format, 400, 600), filename, type))
    expect(res.status).toBe(200)
    expect(res.body.posterUrl).toMatch(POSTER_URL)
  })

  it('picks the file names itself, whatever the upload is called', async () => {
    const show = await newShow()
    const res = await upload(show.id, form(await image('png'), '../../evil.webp'))
    expect(res.status).toBe(200)
    expect(res.body.posterUrl).not.toMatch(/evil/)
    expect((await posterFiles()).filter(f => /evil/.test(f))).toEqual([])
  })

  it('replaces an old poster: the old files answer 404 and are gone from storage', async () => {
    const show = await newShow()
    const first = (await upload(show.id, form(await image('png')))).body
    const second = (await upload(show.id, form(await image('jpeg'), 'second.jpg', 'image/jpeg'))).body
    expect(second.posterUrl).toMatch(POSTER_URL)
    expect(second.posterUrl).not.toBe(first.posterUrl)
    expect((await fetchRaw(first.posterUrl)).status).toBe(404)
    expect((await fetchRaw(first.posterThumbUrl)).status).toBe(404)
    expect((await fetchRaw(second.posterUrl)).status).toBe(200)
    const mine = (await posterFiles()).filter(f => f.startsWith(`${show.id}-`))
    expect(mine).toEqual([second.posterThumbUrl, second.posterUrl].map((u: string) => u.slice('/posters/'.length)).sort())
  })

  it('removes the poster files with the show', async () => {
    const show = await newShow()
    const { body } = await upload(show.id, form(await image('png')))
    expect((await server.request('DELETE', `/api/shows/${show.id}`, { token: adminToken })).status).toBe(204)
    expect((await fetchRaw(body.posterUrl)).status).toBe(404)
    expect((await posterFiles()).filter(f => f.startsWith(`${show.id}-`))).toEqual([])
  })

  it.each([
    ['a text file named .png sent as image/png', 'this is not an image, just text\n'.repeat(50), 'poster.png', 'image/png'],
    ['an SVG (which could carry script)', '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="900"><rect width="600" height="900"/><script>alert(1)</script></svg>', 'poster.svg', 'image/svg+xml'],
    ['an HTML page named .jpg', '<!doctype html><script>alert(1)</script>', 'poster.jpg', 'image/jpeg'],
    ['an empty file', '', 'poster.png', 'image/png'],
  ])('refuses %s with 415, and keeps the old poster', async (_, content, filename, type) => {
    const show = await newShow()
    const before = (await upload(show.id, form(await image('png')))).body.posterUrl
    const res = await upload(show.id, form(content, filename, type))
    expect(res.status).toBe(415)
    expect(res.body).toMatchObject({ statusCode: 415, message: expect.any(String) })
    expect((await server.request('GET', `/api/shows/${show.id}`)).body.posterUrl).toBe(before)
    expect((await fetchRaw(before)).status).toBe(200)
  })

  it('refuses a GIF and a PNG cut short (415)', async () => {
    const show = await newShow()
    expect((await upload(show.id, form(await image('gif'), 'poster.gif', 'image/gif'))).status).toBe(415)
    const png = await image('png')
    expect((await upload(show.id, form(png.subarray(0, Math.floor(png.length / 2))))).status).toBe(415)
    expect((await server.request('GET', `/api/shows/${show.id}`)).body.posterUrl).toBeNull()
  })

  it('refuses a 6 MB file with 413 before looking at its type', async () => {
    const show = await newShow()
    const png = await image('png')
    const big = Buffer.concat([png, Buffer.alloc(6 * MB - png.length, 7)])
    const asImage = await upload(show.id, form(big))
    expect(asImage.status).toBe(413)
    expect(asImage.body).toMatchObject({ statusCode: 413 })
    const asText = await upload(show.id, form('x'.repeat(6 * MB), 'notes.txt', 'text/plain'))
    expect(asText.status).toBe(413)
    expect((await server.request('GET', `/api/shows/${show.id}`)).body.posterUrl).toBeNull()
  })

  it('refuses a file one byte over 5 MB (413)', async () => {
    const show = await newShow()
    expect((await upload(show.id, form(Buffer.alloc(5 * MB + 1, 1), 'big.png'))).status).toBe(413)
  })

  it('refuses an upload without a Content-Length (411) instead of reading it whole', async () => {
    const show = await newShow()
    const png = await image('png')
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(png))
        controller.close()
      },
    })
    const res = await fetch(`${server.url}/api/shows/${show.id}/poster`, {
      method: 'PUT',
      headers: { 'authorization': `Bearer ${adminToken}`, 'content-type': 'multipart/form-data; boundary=x' },
      body,
      duplex: 'half',
    } as RequestInit)
    expect(res.status).toBe(411)
  })

  it('answers 400 when no file is sent in the "poster" field', async () => {
    const show = await newShow()
    const res = await upload(show.id, form(await image('png'), 'poster.png', 'image/png', 'image'))
    expect(res.status).toBe(400)
    expect(res.body.data.issues).toEqual([expect.objectContaining({ path: ['poster'] })])
  })

  it('answers 401 to anonymous callers and 403 to users, and keeps the poster', async () => {
    const show = await newShow()
    const png = await image('png')
    expect((await upload(show.id, form(png), null)).status).toBe(401)
    expect((await upload(show.id, form(png), userToken)).status).toBe(403)
    expect((await server.request('GET', `/api/shows/${show.id}`)).body.posterUrl).toBeNull()
  })

  it('answers 404 for an unknown show and 400 for a non-numeric id', async () => {
    const before = await posterFiles()
    expect((await upload(987654321, form(await image('png')))).status).toBe(404)
    expect((await upload('abc', form(await image('png')))).status).toBe(400)
    expect(await posterFiles()).toEqual(before)
  })
})

describe('GET /posters/{file}', () => {
  it.each([
    '/posters/../../etc/passwd',
    '/posters/..%2F..%2Fetc%2Fpasswd',
    '/posters/%2e%2e%2f%2e%2e%2fpackage.json',
    '/posters/..%5C..%5Cpackage.json',
    '/posters/x.webp',
    '/posters/1-0123456789abcdef-600.webp',
    '/posters/1-0123456789abcdef-600.png',
    '/posters/1-0123456789ABCDEF-600.webp',
    '/posters/',
    '/posters/ticketshow.sqlite',
    '/posters/..%2Fticketshow.sqlite',
    '/posters/..%2Fauth-secret',
  ])('answers 404 for %s, which is not one of ours', async (path) => {
    const res = await fetchRaw(path)
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type') ?? '').not.toContain('image/webp')
    expect(res.data.toString('latin1')).not.toMatch(/root:|SQLite format|"name": "ticketshow"/)
  })

  it('answers 404 for a real poster name in another case', async () => {
    const show = await newShow()
    const { body } = await upload(show.id, form(await image('png')))
    expect((await fetchRaw(body.posterUrl.replace('.webp', '.WEBP'))).status).toBe(404)
  })
})

describe('where posters are kept', () => {
  it('in the database: another instance with a data dir of its own serves what this one stored, and no folder is written', async () => {
    const show = await newShow()
    const { body } = await upload(show.id, form(await image('png')))
    const original = await fetchRaw(body.posterUrl)
    expect(original.status).toBe(200)
    expect(existsSync(join(server.dataDir, 'posters'))).toBe(false)
    // The same database (the SQLite file by path, or the PostgreSQL database), its own data dir.
    const other = await startServer({ databaseUrl: server.databaseUrl || join(server.dataDir, 'ticketshow.sqlite') })
    try {
      const res = await fetch(other.url + body.posterUrl)
      expect(res.status).toBe(200)
      expect(Buffer.from(await res.arrayBuffer()).equals(original.data)).toBe(true)
      // A poster replaced there is gone here too (within the minute this process keeps a copy).
      const otherAdmin = await login(other, ADMIN.username, ADMIN.password)
      const replaced = await other.request('PUT', `/api/shows/${show.id}/poster`, { token: otherAdmin, body: form(await image('jpeg'), 'b.jpg', 'image/jpeg') })
      expect(replaced.status).toBe(200)
      expect((await fetchRaw(replaced.body.posterUrl)).status).toBe(200)
      expect(existsSync(join(other.dataDir, 'posters'))).toBe(false)
    }
    finally {
      await other.stop()
    }
  })

  it('moves a poster folder left by an older version into the database at start-up, and keeps the folder', async () => {
    // A data dir as an older TicketShow left it: posters in a folder.
    const dataDir = mkdtempSync(join(tmpdir(), 'ticketshow-legacy-'))
    mkdirSync(join(dataDir, 'posters'))
    const legacy = await sharp({ create: { width: 600, height: 900, channels: 3, background: '#336699' } }).webp().toBuffer()
    writeFileSync(join(dataDir, 'posters', '424242-0123456789abcdef-600.webp'), legacy)
    writeFileSync(join(dataDir, 'posters', 'not-a-poster.txt'), 'x')
    const upgraded = await startServer({ dataDir, databaseUrl: server.databaseUrl || join(server.dataDir, 'ticketshow.sqlite') })
    try {
      await expect.poll(() => upgraded.output()).toMatch(/moved 1 posters/)
      const res = await fetch(`${upgraded.url}/posters/424242-0123456789abcdef-600.webp`)
      expect(res.status).toBe(200)
      expect(Buffer.from(await res.arrayBuffer()).equals(legacy)).toBe(true)
      expect(existsSync(join(dataDir, 'posters.moved', '424242-0123456789abcdef-600.webp'))).toBe(true)
      expect(existsSync(join(dataDir, 'posters'))).toBe(false)
    }
    finally {
      await upgraded.stop()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
