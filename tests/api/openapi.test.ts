import { readdirSync, statSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN, createApprovedUser, login, startServer } from '../helpers/server'
import type { TestServer } from '../helpers/server'

// /api/openapi.json must document exactly the routes that exist: the route files under
// server/api are walked, so a new route without documentation (or documentation of a
// route that is gone) fails here.

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'] as const

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(path) : [path]
  })
}

/** `shows/[id]/poster.put.ts` → `PUT /api/shows/{id}/poster`; `index.get.ts` is its folder. */
function routeOf(file: string): string {
  const parts = file.replace(/\.ts$/, '').split('/')
  const last = parts.pop()!
  const dot = last.lastIndexOf('.')
  const method = last.slice(dot + 1)
  if (dot < 0 || !(METHODS as readonly string[]).includes(method)) throw new Error(`${file}: a route file must end in .<method>.ts`)
  const name = last.slice(0, dot)
  const segments = [...parts, ...(name === 'index' ? [] : [name])].map((s) => {
    if (s.startsWith('[...')) throw new Error(`${file}: catch-all routes are not expected`)
    return s.replace(/^\[(\w+)\]$/, '{$1}')
  })
  return `${method.toUpperCase()} /api${segments.length ? `/${segments.join('/')}` : ''}`
}

const apiDir = join(process.cwd(), 'server', 'api')
const routeFiles = files(apiDir).filter(f => f.endsWith('.ts')).map(f => relative(apiDir, f).split(sep).join('/'))

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any

/** The health checks answer 503 with their own body (what failed), not the Error body. */
const OWN_503 = new Set(['/api/health', '/api/health/ready'])

let server: TestServer
let doc: Doc

beforeAll(async () => {
  server = await startServer()
  const res = await server.request('GET', '/api/openapi.json')
  expect(res.status).toBe(200)
  doc = res.body
})
afterAll(() => server?.stop())

function operations(): [string, string, Doc][] {
  return Object.entries(doc.paths as Record<string, Record<string, Doc>>)
    .flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => [method, path, op] as [string, string, Doc]))
}

/** Follows a local $ref. */
function resolve(schema: Doc): Doc {
  if (!schema?.$ref) return schema
  return (schema.$ref as string).replace(/^#\//, '').split('/').reduce((node: Doc, key) => node?.[key], doc)
}

describe('routeOf', () => {
  it.each([
    ['venues/[id].patch.ts', 'PATCH /api/venues/{id}'],
    ['venues/index.get.ts', 'GET /api/venues'],
    ['openapi.json.get.ts', 'GET /api/openapi.json'],
    ['shows/[id]/poster.put.ts', 'PUT /api/shows/{id}/poster'],
    ['admin/tasks/[name].post.ts', 'POST /api/admin/tasks/{name}'],
  ])('maps %s to %s', (file, route) => {
    expect(routeOf(file)).toBe(route)
  })
})

describe('GET /api/openapi.json', () => {
  it('is an OpenAPI 3.1 document served as JSON to anyone', async () => {
    const res = await server.request('GET', '/api/openapi.json')
    expect(res.headers.get('content-type')).toMatch(/application\/json/)
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/)
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) })
    expect(Object.keys(doc.paths).length).toBeGreaterThan(0)
  })

  it('documents every route file under server/api, and nothing else', () => {
    expect(routeFiles.length).toBeGreaterThan(20)
    const fromFiles = routeFiles.map(routeOf).sort()
    const documented = operations().map(([method, path]) => `${method.toUpperCase()} ${path}`).sort()
    expect(documented).toEqual(fromFiles)
  })

  it('gives every operation a summary, a success response and its path parameters', () => {
    for (const [method, path, op] of operations()) {
      const where = `${method.toUpperCase()} ${path}`
      expect(op.summary, where).toEqual(expect.any(String))
      const codes = Object.keys(op.responses)
      expect(codes.some(c => /^2\d\d$/.test(c)), where).toBe(true)
      const params = [...path.matchAll(/\{(\w+)\}/g)].map(m => m[1])
      for (const name of params)
        expect(op.parameters, where).toContainEqual(expect.objectContaining({ name, in: 'path', required: true }))
      // Every error answers the Error body; the health check's 503 is its own answer (tested below).
      for (const code of codes.filter(c => !/^2/.test(c) && !(OWN_503.has(path) && c === '503')))
        expect(resolve(resolve(op.responses[code]).content['application/json'].schema), `${where} ${code}`).toMatchObject({ type: 'object', properties: expect.objectContaining({ statusCode: expect.anything(), message: expect.anything() }) })
    }
  })

  it('names every operation (a unique camelCase operationId), tags it with a declared tag and describes it', () => {
    const declared = new Map((doc.tags as { name: string, description: string }[]).map(t => [t.name, t.description]))
    const ids = new Set<string>()
    for (const [method, path, op] of operations()) {
      const where = `${method.toUpperCase()} ${path}`
      expect(op.operationId, where).toMatch(/^[a-z][A-Za-z0-9]*$/)
      expect(ids.has(op.operationId), `${where}: ${op.operationId} used twice`).toBe(false)
      ids.add(op.operationId)
      expect(op.description, where).toEqual(expect.stringMatching(/\S/))
      expect(op.tags, where).toHaveLength(1)
      expect(declared.get(op.tags[0]), `${where}: tag ${op.tags[0]}`).toEqual(expect.stringMatching(/\S/))
    }
    expect(doc.paths['/api/bookings'].post.operationId).toBe('createBooking')
    expect(doc.paths['/api/shows/{id}'].get.operationId).toBe('getShow')
  })

  it('marks the admin routes as needing a bearer token, with 401 and 403', () => {
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' })
    const admin = ['POST /api/venues', 'PATCH /api/venues/{id}', 'DELETE /api/venues/{id}', 'POST /api/shows', 'PATCH /api/shows/{id}', 'DELETE /api/shows/{id}',
      'PUT /api/shows/{id}/poster', 'POST /api/screenings', 'PATCH /api/screenings/{id}', 'DELETE /api/screenings/{id}', 'POST /api/admin/tasks/{name}']
    for (const route of admin) {
      const [method, path] = route.split(' ') as [string, string]
      const op = doc.paths[path]?.[method.toLowerCase()]
      expect(op, route).toBeDefined()
      expect(op.security, route).toEqual([{ bearerAuth: [] }])
      expect(Object.keys(op.responses), route).toEqual(expect.arrayContaining(['401', '403']))
    }
    for (const route of ['GET /api/venues', 'GET /api/shows/{id}', 'GET /api/screenings/{id}', 'GET /api/search', 'GET /api/filters', 'POST /api/auth/login', 'GET /api/health']) {
      const [method, path] = route.split(' ') as [string, string]
      expect(doc.paths[path][method.toLowerCase()].security, route).toEqual([])
    }
    // A token is optional there, and shows an admin more.
    expect(doc.paths['/api/shows'].get.security).toEqual([{}, { bearerAuth: [] }])
    expect(doc.paths['/api/screenings'].get.security).toEqual([{}, { bearerAuth: [] }])
    for (const [method, path, op] of operations())
      expect(op.security, `${method.toUpperCase()} ${path}`).toBeInstanceOf(Array)
  })

  it('documents the limits: 429 with Retry-After, 413 and 411 on bodies, 503 while starting', () => {
    for (const [method, path, op] of operations()) {
      const where = `${method.toUpperCase()} ${path}`
      const responses = Object.fromEntries(Object.entries(op.responses as Record<string, Doc>).map(([code, r]) => [code, resolve(r)]))
      for (const code of ['429', '503']) {
        if (responses[code] && path !== '/api/health') expect(responses[code].headers?.['Retry-After'], `${where} ${code}`).toBeDefined()
      }
      if (method !== 'get') expect(Object.keys(responses), where).toEqual(expect.arrayContaining(['411', '413']))
      // Liveness answers whenever the process can answer at all.
      if (path === '/api/health/live') expect(responses['503'], where).toBeUndefined()
      else expect(responses['503'], where).toBeDefined()
    }
    for (const route of ['POST /api/auth/login', 'POST /api/auth/register', 'GET /api/shows', 'GET /api/shows/{id}', 'GET /api/search', 'GET /api/filters', 'PUT /api/shows/{id}/poster']) {
      const [method, path] = route.split(' ') as [string, string]
      expect(doc.paths[path][method.toLowerCase()].responses['429'], route).toBeDefined()
    }
    expect(resolve(doc.components.headers.RetryAfter).schema).toMatchObject({ type: 'integer' })
  })

  it('documents the error body as it is sent: statusCode, statusMessage, message and data', () => {
    const error = doc.components.schemas.Error
    expect(Object.keys(error.properties).sort()).toEqual(['data', 'message', 'statusCode', 'statusMessage'])
    expect(error.required.sort()).toEqual(['message', 'statusCode', 'statusMessage'])
    expect(error.additionalProperties).toBe(false)
    for (const [method, path, op] of operations()) {
      for (const [code, response] of Object.entries(op.responses as Record<string, Doc>)) {
        if (/^[45]/.test(code) && !(OWN_503.has(path) && code === '503'))
          expect(resolve(response).content, `${method.toUpperCase()} ${path} ${code}`).toEqual({ 'application/json': { schema: { $ref: '#/components/schemas/Error' } } })
      }
    }
  })

  it('describes request bodies with the schemas the handlers validate with', () => {
    const venue = doc.paths['/api/venues'].post.requestBody.content['application/json'].schema
    expect(venue.required).toEqual(expect.arrayContaining(['name', 'place', 'capacity']))
    expect(venue.required).not.toContain('timezone')
    expect(venue.properties.capacity).toMatchObject({ type: 'integer', minimum: 1, maximum: 5000 })
    const show = doc.paths['/api/shows'].post.requestBody.content['application/json'].schema
    expect(show.required).toEqual(expect.arrayContaining(['name', 'ticketPrice']))
    expect(show.properties.ticketPrice).toMatchObject({ type: 'integer', minimum: 0 })
    expect(show.properties.tags).toMatchObject({ type: 'array' })
    const screening = doc.paths['/api/screenings'].post.requestBody.content['application/json'].schema
    expect(screening.required).toEqual(expect.arrayContaining(['showId', 'venueId', 'startsAt']))
    expect(screening.properties.startsAt).toMatchObject({ type: 'string', format: 'date-time' })
    const poster = doc.paths['/api/shows/{id}/poster'].put.requestBody.content['multipart/form-data'].schema
    expect(poster).toMatchObject({ required: ['poster'], properties: { poster: { type: 'string', format: 'binary' } } })
    const pageSize = doc.paths['/api/shows'].get.parameters.find((p: Doc) => p.name === 'pageSize')
    expect(pageSize).toMatchObject({ in: 'query', schema: expect.objectContaining({ maximum: 100 }) })
  })

  it('describes responses that the server really sends', async () => {
    const adminToken = await login(server, ADMIN.username, ADMIN.password)
    const venue = await server.request('POST', '/api/venues', { token: adminToken, body: { name: 'Doc hall', place: 'Pune', capacity: 20 } })
    const show = await server.request('POST', '/api/shows', { token: adminToken, body: { name: 'Doc show', ticketPrice: 100 } })
    const screening = await server.request('POST', '/api/screenings', { token: adminToken, body: { showId: show.body.id, venueId: venue.body.id, startsAt: new Date(Date.now() + 3 * 86_400_000).toISOString() } })
    const checks: [string, string, string, unknown][] = [
      ['post', '/api/venues', '201', venue.body],
      ['post', '/api/shows', '201', show.body],
      ['post', '/api/screenings', '201', screening.body],
      ['get', '/api/venues/{id}', '200', (await server.request('GET', `/api/venues/${venue.body.id}`)).body],
      ['get', '/api/shows/{id}', '200', (await server.request('GET', `/api/shows/${show.body.id}`)).body],
      ['get', '/api/screenings/{id}', '200', (await server.request('GET', `/api/screenings/${screening.body.id}`)).body],
      ['get', '/api/shows', '200', (await server.request('GET', '/api/shows')).body],
      ['get', '/api/venues', '200', (await server.request('GET', '/api/venues')).body],
      ['get', '/api/screenings', '200', (await server.request('GET', '/api/screenings')).body],
      ['get', '/api/search', '200', (await server.request('GET', '/api/search?q=doc')).body],
      ['get', '/api/filters', '200', (await server.request('GET', '/api/filters')).body],
    ]
    for (const [method, path, code, body] of checks) {
      const schema = resolve(doc.paths[path][method].responses[code].content['application/json'].schema)
      const where = `${method.toUpperCase()} ${path}`
      expect(schema.type, where).toBe('object')
      expect(Object.keys(body as object).sort(), where).toEqual(expect.arrayContaining(schema.required ?? []))
      for (const key of schema.required ?? []) expect(schema.properties[key], `${where} ${key}`).toBeDefined()
    }
  })
})

describe('documented answers that differ by case', () => {
  it('documents GET /api/health as { status, database, cache }', async () => {
    const res = await server.request('GET', '/api/health')
    const schema = doc.paths['/api/health'].get.responses['200'].content['application/json'].schema
    expect(Object.keys(res.body).sort()).toEqual([...schema.required].sort())
    expect(schema.properties.status.enum).toContain(res.body.status)
    expect(schema.properties.cache.enum).toContain(res.body.cache)
    const unavailable = doc.paths['/api/health'].get.responses['503'].content['application/json'].schema
    expect([...unavailable.required].sort()).toEqual(['cache', 'database', 'status'])
  })

  it('documents the fresh token PATCH /api/account answers for a new password', async () => {
    const adminToken = await login(server, ADMIN.username, ADMIN.password)
    const user = await createApprovedUser(server, adminToken)
    const res = await server.request('PATCH', '/api/account', { token: user.token, body: { password: 'another-horse-battery', currentPassword: user.password } })
    expect(res.status).toBe(200)
    const schema = doc.paths['/api/account'].patch.responses['200'].content['application/json'].schema
    expect(Object.keys(res.body).sort()).toEqual(Object.keys(schema.properties).sort())
    expect(schema.required).toEqual(['user'])
    expect(schema.properties.token).toMatchObject({ type: 'string' })
  })
})

describe('GET /api/docs', () => {
  it('answers 200 with an HTML page', async () => {
    const res = await fetch(`${server.url}/api/docs`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/text\/html/)
    const html = await res.text()
    expect(html).toMatch(/<html/i)
    expect(html).toContain('/api/venues')
  })
})
