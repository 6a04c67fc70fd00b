import { request as rawRequest } from 'node:http'
import { describe, expect, it } from 'vitest'
import { useTestServer } from '../helpers/server'
import type { Reply, TestServer } from '../helpers/server'
import { unique } from '../helpers/fixtures'

// Ready for the public internet: limits before work, one validation on both dialects,
// authorisation before validation, and error bodies exactly as documented.

let server: TestServer
let adminToken: string
let userToken: string
useTestServer(ready => ({ server, adminToken, member: { token: userToken } } = ready))

/** Every error body is exactly `{ statusCode, statusMessage, message, data? }`. */
function expectErrorShape(res: Reply, status: number, statusMessage: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status)
  expect(Object.keys(res.body).filter(k => k !== 'data').sort()).toEqual(['message', 'statusCode', 'statusMessage'])
  expect(res.body).toMatchObject({ statusCode: status, statusMessage, message: expect.any(String) })
}

/** Sends a body of `bytes` bytes with Content-Length, or chunked when `chunked`, and reads the answer. */
function sendRaw(path: string, opts: { bytes: number, chunked?: boolean, type?: string }): Promise<{ status: number, body: string }> {
  const url = new URL(path, server.url)
  return new Promise((resolve, reject) => {
    const req = rawRequest(url, {
      method: 'POST',
      headers: { 'content-type': opts.type ?? 'application/json', ...(opts.chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(opts.bytes) }) },
    }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode!, body }))
    })
    // The server may answer (and close) before the whole body is sent: that is the point.
    req.on('error', err => (err as NodeJS.ErrnoException).code === 'EPIPE' || (err as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(err))
    const chunk = Buffer.alloc(64 * 1024, 0x20)
    let left = opts.bytes
    const pump = () => {
      while (left > 0) {
        const n = Math.min(left, chunk.length)
        left -= n
        if (!req.write(chunk.subarray(0, n))) return void req.once('drain', pump)
      }
      req.end()
    }
    pump()
  })
}

describe('request bodies', () => {
  it('refuses a JSON body over 64 KB with 413 before reading it, for anyone', async () => {
    const res = await sendRaw('/api/auth/login', { bytes: 100 * 1024 * 1024 })
    expect(res.status).toBe(413)
    expect(JSON.parse(res.body)).toEqual({ statusCode: 413, statusMessage: 'Payload Too Large', message: 'The request body may be at most 64 KB' })
  })

  it('takes a body of up to 64 KB as before', async () => {
    const description = 'x'.repeat(5000)
    const res = await server.request('POST', '/api/shows', { token: adminToken, body: { name: unique('Long '), description, tags: [], ticketPrice: 100 } })
    expect(res.status).toBe(201)
  })

  it('refuses a body sent without a Content-Length (chunked) with 411', async () => {
    const res = await sendRaw('/api/auth/register', { bytes: 1000, chunked: true })
    expect(res.status).toBe(411)
  })

  it('refuses a body nested 30,000 deep with 400, in a field or whole', async () => {
    const deep = `${'['.repeat(30_000)}${']'.repeat(30_000)}`
    const headers = { 'content-type': 'application/json' }
    expectErrorShape(await server.request('POST', '/api/auth/login', { body: deep, headers }), 400, 'Bad Request')
    expectErrorShape(await server.request('POST', '/api/auth/login', { body: `{"username":${deep},"password":"whatever-password"}`, headers }), 400, 'Bad Request')
    expectErrorShape(await server.request('POST', '/api/venues', { token: adminToken, body: `{"name":${'{"a":'.repeat(8000)}1${'}'.repeat(8000)}}`, headers }), 400, 'Bad Request')
  })

  it.each(['application/json', 'application/json; charset=utf-8', 'application/vnd.api+json'])('reads a body sent as %s like any other JSON type: prototype keys and broken JSON are refused', async (type) => {
    const headers = { 'content-type': type }
    const name = unique('Proto ')
    for (const body of [`{"name":"${name}","place":"P","capacity":10,"__proto__":{"x":1}}`, `{"name":"${name}","place":"P","capacity":10,"constructor":{"prototype":{"x":1}}}`, '{"name":', '{"name":"x"}garbage']) {
      const res = await server.request('POST', '/api/venues', { token: adminToken, body, headers })
      expectErrorShape(res, 400, 'Bad Request')
      expect(res.body.message, body).toBe('The request body is not valid JSON')
    }
    expect((await server.request('GET', `/api/venues?q=${encodeURIComponent(name)}`)).body.total).toBe(0)
  })

  it('lets a poster upload be up to 5 MB, and no more', async () => {
    expect((await sendRaw('/api/shows/1/poster', { bytes: 6 * 1024 * 1024, type: 'multipart/form-data; boundary=x' })).status).toBe(413)
  })
})

describe('the same validation on both dialects', () => {
  it('answers 404 for route ids no row can have, 400 for ids out of range in bodies and queries', async () => {
    for (const path of ['/api/venues/2147483648', '/api/shows/2147483648', '/api/screenings/9007199254740993', '/api/venues/-5'])
      expectErrorShape(await server.request('GET', path), 404, 'Not Found')
    expectErrorShape(await server.request('GET', '/api/screenings?showId=2147483648'), 400, 'Bad Request')
    expectErrorShape(await server.request('POST', '/api/bookings', { token: userToken, body: { screeningId: 2147483648, quantity: 1 } }), 400, 'Bad Request')
    expectErrorShape(await server.request('GET', '/api/shows?page=2147483648'), 400, 'Bad Request')
  })

  it('answers 400 for other spellings of a real id, which never name its row', async () => {
    const venue = await server.request('POST', '/api/venues', { token: adminToken, body: { name: unique('Spelled '), place: 'P', capacity: 10 } })
    const id = venue.body.id as number
    expect((await server.request('GET', `/api/venues/${id}`)).status).toBe(200)
    for (const spelling of [`0x${id.toString(16)}`, `${id}e0`, `${id}.0`, `+${id}`, `0${id}`, `%20${id}`, `${id}%20`, `%09${id}`, `0b${id.toString(2)}`])
      expectErrorShape(await server.request('DELETE', `/api/venues/${spelling}`, { token: adminToken }), 400, 'Bad Request')
    expect((await server.request('GET', `/api/venues/${id}`)).status).toBe(200)
  })

  it('answers 400 for instants PostgreSQL cannot hold: year 0, or past 9999 in UTC', async () => {
    for (const instant of ['0000-01-01T00:00:00Z', '0001-01-01T00:00:00+14:00', '9999-12-31T23:59:59-12:00']) {
      expectErrorShape(await server.request('GET', `/api/screenings?from=${encodeURIComponent(instant)}`, { token: adminToken }), 400, 'Bad Request')
      expectErrorShape(await server.request('GET', `/api/screenings?to=${encodeURIComponent(instant)}`), 400, 'Bad Request')
    }
    expect((await server.request('GET', `/api/screenings?from=${encodeURIComponent('0001-01-01T00:00:00Z')}&to=${encodeURIComponent('9999-12-31T23:59:59Z')}`, { token: adminToken })).status).toBe(200)
  })

  it('answers 400 to NUL and other control characters in queries and bodies, naming the field', async () => {
    for (const q of ['%00', 'a%00b', '%1B%5B31m', '%7F'])
      expectErrorShape(await server.request('GET', `/api/search?q=${q}`), 400, 'Bad Request')
    const login = await server.request('POST', '/api/auth/login', { body: { username: '\u0000x', password: 'whatever-password' } })
    expectErrorShape(login, 400, 'Bad Request')
    expect(login.body.data.issues[0].path).toEqual(['username'])
    const register = await server.request('POST', '/api/auth/register', { body: { username: unique('nul'), email: `a\u0000@example.test`, password: 'correct-horse-battery' } })
    expectErrorShape(register, 400, 'Bad Request')
    expect(register.body.data.issues[0].path).toEqual(['email'])
  })

  it('keeps line breaks and tabs in text', async () => {
    const res = await server.request('POST', '/api/shows', { token: adminToken, body: { name: unique('Lines '), description: 'One\nTwo\tThree\r\n', tags: [], ticketPrice: 100 } })
    expect(res.status).toBe(201)
    expect(res.body.description).toBe('One\nTwo\tThree')
  })
})

describe('authorisation before validation', () => {
  const bad = { nonsense: true, quantity: 'lots' }
  const routes: Array<[method: string, path: string, who: 'user' | 'admin']> = [
    ['POST', '/api/bookings', 'user'],
    ['PATCH', '/api/bookings/abc', 'user'],
    ['GET', '/api/bookings?page=zero', 'user'],
    ['PATCH', '/api/account', 'user'],
    ['POST', '/api/venues', 'admin'],
    ['PATCH', '/api/venues/abc', 'admin'],
    ['POST', '/api/shows', 'admin'],
    ['PATCH', '/api/shows/abc', 'admin'],
    ['POST', '/api/screenings', 'admin'],
    ['PATCH', '/api/screenings/1', 'admin'],
    ['GET', '/api/users?status=everyone', 'admin'],
    ['POST', '/api/users/abc/approve', 'admin'],
    ['GET', '/api/admin/outbox?status=lost', 'admin'],
    ['GET', '/api/shows?all=true&page=zero', 'admin'],
    ['POST', '/api/admin/tasks/%00', 'admin'],
  ]

  it.each(routes)('%s %s: 401 for nobody, with a bad request', async (method, path) => {
    expectErrorShape(await server.request(method, path, { body: method === 'GET' ? undefined : bad }), 401, 'Unauthorized')
  })

  it.each(routes.filter(r => r[2] === 'admin'))('%s %s: 403 for a member, with a bad request', async (method, path) => {
    expectErrorShape(await server.request(method, path, { token: userToken, body: method === 'GET' ? undefined : bad }), 403, 'Forbidden')
  })
})

describe('errors as documented', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'no-such-task'])('answers 404 for the task %j', async (name) => {
    const res = await server.request('POST', `/api/admin/tasks/${name}`, { token: adminToken })
    expectErrorShape(res, 404, 'Not Found')
    expect(res.body.message).toBe(`No such task: ${name}`)
  })

  it('never echoes the Host header or a URL in an error', async () => {
    const res = await server.request('GET', '/api/shows/987654321', { headers: { 'x-forwarded-host': 'evil.example' } })
    expect(res.body).toEqual({ statusCode: 404, statusMessage: 'Not Found', message: 'No such show' })
    expect(JSON.stringify(res.body)).not.toContain('evil.example')
  })

  it('answers an unknown API route with the documented shape', async () => {
    expectErrorShape(await server.request('GET', '/api/no-such-route'), 404, 'Not Found')
  })
})
