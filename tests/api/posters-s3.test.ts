import { createServer } from 'node:http'
import type { Server } from 'node:http'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../server/db'
import { openServerDb } from '../helpers/fixtures'
import { ADMIN, freePort, login, startServer } from '../helpers/server'
import type { TestServer } from '../helpers/server'

// Posters in an S3-compatible bucket (NUXT_S3_*), through unstorage's s3 driver, against a
// small stand-in for S3's object API (PUT, GET, HEAD and DELETE of path-style object URLs,
// each signed with AWS Signature V4).
describe('posters in an S3 bucket', () => {
  const objects = new Map<string, Buffer>()
  const unsigned: string[] = []
  let s3: Server
  let endpoint: string
  let server: TestServer
  let db: Db
  let adminToken: string

  beforeAll(async () => {
    s3 = createServer((req, res) => {
      if (!/^AWS4-HMAC-SHA256 Credential=test-key\//.test(req.headers.authorization ?? '')) unsigned.push(`${req.method} ${req.url}`)
      const key = decodeURIComponent(req.url!.split('?')[0]!)
      const chunks: Buffer[] = []
      req.on('data', c => chunks.push(c))
      req.on('end', () => {
        if (req.method === 'PUT') {
          objects.set(key, Buffer.concat(chunks))
          return res.writeHead(200).end()
        }
        const found = objects.get(key)
        if (req.method === 'DELETE') {
          objects.delete(key)
          return res.writeHead(204).end()
        }
        if (!found) return res.writeHead(404).end()
        res.writeHead(200, { 'content-length': found.length, 'content-type': 'application/octet-stream' })
        res.end(req.method === 'HEAD' ? undefined : found)
      })
    })
    const port = await freePort()
    await new Promise<void>(resolve => s3.listen(port, '127.0.0.1', resolve))
    endpoint = `http://127.0.0.1:${port}`
    server = await startServer({
      env: { NUXT_S3_BUCKET: 'posters-bucket', NUXT_S3_ENDPOINT: endpoint, NUXT_S3_REGION: 'auto', NUXT_S3_ACCESS_KEY_ID: 'test-key', NUXT_S3_SECRET_ACCESS_KEY: 'test-secret' },
    })
    db = openServerDb(server)
    adminToken = await login(server, ADMIN.username, ADMIN.password)
  })
  afterAll(async () => {
    await db?.destroy()
    await server?.stop()
    await new Promise(resolve => s3?.close(resolve))
  })

  async function upload(showId: number, color: string) {
    const png = await sharp({ create: { width: 400, height: 600, channels: 3, background: color } }).png().toBuffer()
    const form = new FormData()
    form.append('poster', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'poster.png')
    const res = await server.request('PUT', `/api/shows/${showId}/poster`, { token: adminToken, body: form })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    return res.body as { posterUrl: string, posterThumbUrl: string }
  }

  it('stores both sizes in the bucket (signed), serves them from it, and deletes the old ones on a change', async () => {
    const show = await server.request('POST', '/api/shows', { token: adminToken, body: { name: 'Bucket Show', ticketPrice: 100 } })
    const first = await upload(show.body.id, '#aa3355')
    const name = (url: string) => url.slice('/posters/'.length)
    expect([...objects.keys()].sort()).toEqual([`/posters-bucket/${name(first.posterThumbUrl)}`, `/posters-bucket/${name(first.posterUrl)}`].sort())
    expect(unsigned).toEqual([])
    const served = await fetch(server.url + first.posterUrl)
    expect(served.status).toBe(200)
    expect(served.headers.get('content-type')).toBe('image/webp')
    expect(Buffer.from(await served.arrayBuffer()).equals(objects.get(`/posters-bucket/${name(first.posterUrl)}`)!)).toBe(true)
    // Nothing went into the database's own file store.
    expect(await db.selectFrom('files').select('key').execute()).toEqual([])

    const second = await upload(show.body.id, '#3355aa')
    expect(objects.has(`/posters-bucket/${name(first.posterUrl)}`)).toBe(false)
    expect(objects.has(`/posters-bucket/${name(second.posterUrl)}`)).toBe(true)
    expect((await fetch(server.url + first.posterUrl)).status).toBe(404)
    expect((await fetch(server.url + second.posterUrl)).status).toBe(200)
  })
})
