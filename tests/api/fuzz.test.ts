import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { z } from 'zod'
import type { Db } from '../../server/db'
import { operations } from '../../server/utils/openapi'
import { openServerDb } from '../helpers/fixtures'
import { createApprovedUser, useTestServer } from '../helpers/server'
import type { TestServer } from '../helpers/server'
import * as F from '../helpers/fuzz'

// Every operation of /api/openapi.json, sent a few hundred malformed requests: bad path
// params, queries, bodies, content types and auth headers, alone and mixed. No answer may
// be a 5xx, leak a stack, SQL or a path, or be an error in any shape but the documented
// one; every request that is malformed where the operation looks must be refused; and
// nothing that existed before has changed afterwards.

const SEED = Number(process.env.FUZZ_SEED ?? 20261101)
const CASES_PER_OPERATION = 260
const CONCURRENCY = 8
const MISSING_ID = '2147483647'

let server: TestServer
let adminToken: string
useTestServer(s => ({ server, adminToken } = s))

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any
let doc: Doc
let db: Db
const world = { venue: 0, show: 0, screening: 0, booking: 0, member: 0, outbox: 0, memberToken: '' }

type Who = (typeof operations)[number]['who']

interface Target {
  method: string
  path: string
  id: string
  who: Who
  param?: 'id' | 'name'
  query: string[]
  body?: z.ZodType
  multipart: boolean
  /** a body that passes validation; sent as it is only where `refused` says it does nothing */
  template?: Record<string, unknown>
  /**
   * always: the operation refuses whatever the fuzzer sends (it never has a real password,
   * task name, signed unsubscribe token or image); template: the template is refused by the
   * domain (a taken username, a time in the past, a missing screening), with extra fields too.
   */
  refused?: 'always' | 'template'
  realId?: number
}

interface Auth { label: string, header?: string, as?: 'admin' | 'member' }
interface Body { label: string, text?: string, raw?: Buffer, kind: 'template' | 'extra' | 'mutated' | 'raw' }
interface Case {
  target: Target
  label: string
  path: string
  headers: Record<string, string>
  body?: Buffer
  /** malformed where the operation looks: it must be answered 4xx */
  refused: boolean
}

/**
 * Tables whose rows the fuzzer must leave exactly as they were (users.last_seen_at aside).
 * The outbox and task_runs grow only by legitimate requests, and the fuzzer makes none,
 * so they are compared too (once the fixture's own emails are sent); rate_limits is not:
 * counting the fuzzer's logins and reads is what it is for.
 */
const TABLES = ['users', 'venues', 'shows', 'show_tags', 'screenings', 'bookings', 'booking_seats', 'outbox', 'task_runs', 'revoked_tokens'] as const

async function snapshot(): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {}
  for (const table of TABLES) {
    const rows = await db.selectFrom(table as 'users').selectAll().execute() as Record<string, unknown>[]
    // Authenticated requests note when a user was last seen (at most every 10 minutes, off
    // the request path): that is the server's bookkeeping, not a change a request made.
    if (table === 'users') for (const row of rows) delete row.last_seen_at
    out[table] = rows.map(row => JSON.stringify(row, Object.keys(row).sort())).sort()
  }
  const posters = join(server.dataDir, 'posters')
  out.posterFiles = existsSync(posters) ? readdirSync(posters, { recursive: true }).map(String).sort() : []
  return out
}

async function api(method: string, path: string, token: string | undefined, body?: unknown) {
  const res = await server.request(method, path, { token, body })
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body
}

async function outboxSettled(): Promise<void> {
  for (let waited = 0; waited < 10_000; waited += 100) {
    const busy = await db.selectFrom('outbox').select('id').where('status', 'in', ['pending', 'sending']).execute()
    if (!busy.length) return
    await new Promise(r => setTimeout(r, 100))
  }
  throw new Error('the outbox did not settle')
}

let before: Record<string, unknown[]>
let auths: Auth[]

beforeAll(async () => {
  // The world the fuzzer must not change, made through the API.
  const venue = await api('POST', '/api/venues', adminToken, { name: 'Fuzz Hall', place: 'Fuzzville', capacity: 40, seatsPerRow: 8 })
  const show = await api('POST', '/api/shows', adminToken, { name: 'Fuzz Show', description: 'Made by the fuzzer', rating: 7.5, tags: ['fuzz', 'drama'], ticketPrice: 15_000, durationMinutes: 90 })
  const screening = await api('POST', '/api/screenings', adminToken, { showId: show.id, venueId: venue.id, startsAt: new Date(Date.now() + 5 * 86_400_000).toISOString() })
  const member = await createApprovedUser(server, adminToken)
  const booking = await api('POST', '/api/bookings', member.token, { screeningId: screening.id, seats: ['B3', 'B4'] })
  const outbox = await api('GET', '/api/admin/outbox', adminToken)
  Object.assign(world, { venue: venue.id, show: show.id, screening: screening.id, booking: booking.id, member: member.id, outbox: outbox.items[0].id, memberToken: member.token })
  doc = await api('GET', '/api/openapi.json', undefined)
  auths = await authVariants()
  db = openServerDb(server)
  // Emails the fixture wrote are sent (kept as captured) a moment after their requests.
  await outboxSettled()
  before = await snapshot()
}, 60_000)

afterAll(async () => {
  F.closeConnections()
  await db?.destroy()
})

/** Tokens of every kind: none, junk, altered, expired, forged, for nobody, and the real ones. */
async function authVariants(): Promise<Auth[]> {
  const secret = new TextEncoder().encode(readFileSync(join(server.dataDir, 'auth-secret'), 'utf8').trim())
  const wrong = new TextEncoder().encode('not-the-secret-not-the-secret-not-the-secret')
  const now = Math.floor(Date.now() / 1000)
  const sign = (sub: string, opts: { key?: Uint8Array, alg?: string, exp?: number, iat?: number, sv?: unknown, jti?: string | null } = {}) => {
    const jwt = new SignJWT(opts.sv === undefined ? { sv: 0 } : { sv: opts.sv }).setProtectedHeader({ alg: opts.alg ?? 'HS256', typ: 'JWT' }).setSubject(sub)
      .setIssuedAt(opts.iat ?? now).setExpirationTime(opts.exp ?? now + 3600)
    if (opts.jti !== null) jwt.setJti(opts.jti ?? randomUUID())
    return jwt.sign(opts.key ?? secret)
  }
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
  const admin = (await server.request('GET', '/api/auth/session', { token: adminToken })).body.id as number
  const [head, payload] = adminToken.split('.') as [string, string]
  return [
    { label: 'no Authorization' },
    { label: 'empty', header: '' },
    { label: 'garbage', header: 'garbage' },
    { label: 'Bearer alone', header: 'Bearer' },
    { label: 'Bearer junk', header: 'Bearer junk' },
    { label: 'Bearer a.b.c', header: 'Bearer a.b.c' },
    { label: 'Bearer 5 KB', header: `Bearer ${'x'.repeat(5000)}` },
    { label: 'two tokens', header: `Bearer ${adminToken}, Bearer ${adminToken}` },
    { label: 'Basic admin:password', header: `Basic ${Buffer.from('admin:admin-password-123').toString('base64')}` },
    { label: 'token without scheme', header: adminToken },
    { label: 'signature altered', header: `Bearer ${adminToken.slice(0, -3)}${adminToken.endsWith('AAA') ? 'BBB' : 'AAA'}` },
    { label: 'signature dropped', header: `Bearer ${head}.${payload}.` },
    { label: 'alg none', header: `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${payload}.` },
    { label: 'expired', header: `Bearer ${await sign(String(admin), { iat: now - 7200, exp: now - 3600 })}` },
    { label: 'forged (wrong key)', header: `Bearer ${await sign(String(admin), { key: wrong })}` },
    { label: 'HS512', header: `Bearer ${await sign(String(admin), { alg: 'HS512' })}` },
    { label: 'no jti', header: `Bearer ${await sign(String(admin), { jti: null })}` },
    { label: 'old session version', header: `Bearer ${await sign(String(admin), { sv: -1 })}` },
    { label: 'session version 2^53', header: `Bearer ${await sign(String(admin), { sv: 2 ** 53 - 1 })}` },
    { label: 'session version text', header: `Bearer ${await sign(String(admin), { sv: 'x' })}` },
    { label: 'user who does not exist', header: `Bearer ${await sign('999999')}` },
    { label: 'user id 2^31', header: `Bearer ${await sign('2147483648')}` },
    { label: 'user id 1e3', header: `Bearer ${await sign('1e3')}` },
    { label: 'user id -1', header: `Bearer ${await sign('-1')}` },
    { label: 'user id text', header: `Bearer ${await sign('admin')}` },
    { label: 'member', header: `Bearer ${world.memberToken}`, as: 'member' },
    { label: 'member, lower-case scheme', header: `bearer ${world.memberToken}`, as: 'member' },
    { label: 'admin', header: `Bearer ${adminToken}`, as: 'admin' },
  ]
}

const authenticated = (who: Who) => who === 'user' || who === 'approved user' || who === 'staff' || who === 'admin'
/** Admins are staff too; the fuzzer's member is neither. */
const authorised = (who: Who, auth: Auth) => who === 'admin' || who === 'staff' ? auth.as === 'admin' : authenticated(who) ? auth.as !== undefined : true

/** The good request body of each operation that takes one (see Target.template). */
function templates(): Record<string, { template: Record<string, unknown>, refused?: 'always' | 'template' }> {
  const past = '2001-01-01T00:00:00Z'
  return {
    register: { template: { username: 'admin', email: 'fuzz-register@example.test', password: 'fuzz-password-1' }, refused: 'template' },
    login: { template: { username: 'fuzz-nobody', password: 'fuzz-wrong-password' }, refused: 'always' },
    updateAccount: { template: { password: 'fuzz-new-password', currentPassword: 'fuzz-wrong-password' }, refused: 'always' },
    closeAccount: { template: { password: 'fuzz-wrong-password', cancelBookings: true }, refused: 'always' },
    createVenue: { template: { name: 'Fuzz venue', place: 'Fuzzville', capacity: 10, seatsPerRow: 5, timezone: 'Europe/Paris' } },
    updateVenue: { template: { name: 'Fuzz renamed', capacity: 40 } },
    setVenueLayout: { template: { categories: [{ id: 'classic', name: 'Classic' }], rows: [{ label: 'A', places: [{ seat: 1, category: 'classic' }, { gap: true }, { seat: 2, category: 'classic' }] }] } },
    holdSeats: { template: { seats: ['A1'] } },
    createShow: { template: { name: 'Fuzz show', ticketPrice: 100, tags: ['a'], rating: 5, description: 'd', durationMinutes: 60 } },
    updateShow: { template: { name: 'Fuzz renamed', tags: ['b'] } },
    createScreening: { template: { showId: world.show, venueId: world.venue, startsAt: past, price: 100 }, refused: 'template' },
    updateScreening: { template: { startsAt: past, price: 100 }, refused: 'template' },
    createBooking: { template: { screeningId: Number(MISSING_ID), quantity: 1 }, refused: 'template' },
    updateBooking: { template: { quantity: 1 } },
    moveBooking: { template: { screeningId: Number(MISSING_ID), quantity: 1 }, refused: 'template' },
    setUserRole: { template: { role: 'user' } },
    checkIn: { template: { code: 'TS1.1.AAAAAAAAAAAAAAAAAAAAAA' }, refused: 'template' },
    // Seats are free at the fuzzer's screening: joining its waiting list is refused (409).
    joinWaitlist: { template: { quantity: 1 }, refused: 'template' },
  }
}

/** The operations of the document, with what the fuzzer needs to know of each. */
function targets(): Target[] {
  const byId = new Map(operations.map(op => [op.id, op]))
  const made = templates()
  const real: Record<string, number> = { venues: world.venue, shows: world.show, screenings: world.screening, bookings: world.booking, users: world.member, outbox: world.outbox }
  const list: Target[] = []
  for (const [path, methods] of Object.entries(doc.paths as Record<string, Record<string, Doc>>)) {
    for (const [method, op] of Object.entries(methods)) {
      // A live stream answers a good request with a stream that does not end: its refusals
      // (400 for a malformed id, 404 for an unknown one) are tested in live.test.ts.
      if (op.operationId === 'liveSeats') continue
      const known = byId.get(op.operationId)
      if (!known) throw new Error(`${method} ${path}: operationId ${op.operationId} is not in server/utils/openapi.ts`)
      const param = path.includes('{id}') ? 'id' : path.includes('{name}') || path.includes('{task}') ? 'name' : undefined
      const params = (op.parameters ?? []) as { name: string, in: string }[]
      const resource = param === 'id' ? path.split('/').find(s => s in real) : undefined
      list.push({
        method: method.toUpperCase(),
        path,
        id: op.operationId,
        who: known.who,
        param,
        query: params.filter(p => p.in === 'query').map(p => p.name),
        body: op.requestBody?.content['application/json'] ? known.body : undefined,
        multipart: Boolean(op.requestBody?.content['multipart/form-data']),
        template: made[op.operationId]?.template,
        refused: ['uploadShowPoster', 'runTask', 'unsubscribe', 'getUnsubscribe'].includes(op.operationId) ? 'always' : made[op.operationId]?.refused,
        realId: resource ? real[resource] : undefined,
      })
      if (list.at(-1)!.body && !list.at(-1)!.template) throw new Error(`${op.operationId}: no template body for the fuzzer`)
    }
  }
  return list
}

const variantsOf = new Map<Target, Body[]>()

/** Every body variant of an operation: each field wrong in every way, whole bodies broken, extra keys. */
function bodyVariants(t: Target): Body[] {
  if (!variantsOf.has(t)) variantsOf.set(t, makeBodyVariants(t))
  return variantsOf.get(t)!
}

function makeBodyVariants(t: Target): Body[] {
  const template = t.template!
  const json = JSON.stringify(template)
  const requestSchema = doc.paths[t.path][t.method.toLowerCase()].requestBody.content['application/json'].schema
  const fields = new Set([...Object.keys(template), ...Object.keys(requestSchema.properties ?? {}), ...((requestSchema.anyOf ?? []) as Doc[]).flatMap(s => Object.keys(s.properties ?? {}))])
  const out: Body[] = [{ label: 'template', text: json, kind: 'template' }]
  for (const field of fields) {
    for (const value of F.BAD_FIELD_VALUES) {
      const body = { ...template, [field]: value }
      const text = JSON.stringify(body)
      out.push({ label: `${field}=${text.length > 120 ? `${typeof value} of ${text.length} bytes` : JSON.stringify(value)}`, text, kind: 'mutated' })
    }
    if (typeof template[field] === 'number') out.push({ label: `${field} as a string`, text: JSON.stringify({ ...template, [field]: String(template[field]) }), kind: 'mutated' })
    for (const raw of [...F.RAW_FIELD_TOKENS, ...F.DEEP_TOKENS])
      out.push({ label: `${field}=${raw.length > 40 ? `nested ${raw.length} bytes` : raw}`, text: JSON.stringify({ ...template, [field]: '\u0001' }).replace('"\\u0001"', raw), kind: 'mutated' })
    const { [field]: _dropped, ...rest } = template
    out.push({ label: `without ${field}`, text: JSON.stringify(rest), kind: 'mutated' })
  }
  for (const text of F.BAD_BODIES) out.push({ label: `body ${JSON.stringify(text.slice(0, 40))}${text.length > 40 ? `… (${text.length} bytes)` : ''}`, text, kind: 'raw' })
  for (const extra of F.EXTRA_FIELDS) out.push({ label: `extra ${Object.keys(extra)[0]!.slice(0, 20)}`, text: JSON.stringify({ ...template, ...extra }), kind: 'extra' })
  for (const text of F.withPrototypeKey(json)) out.push({ label: `prototype key ${text.slice(json.length - 1, json.length + 30)}`, text, kind: 'raw' })
  out.push({ label: 'template, 70 KB', text: `${json.slice(0, -1)},"pad":"${'x'.repeat(70_000)}"}`, kind: 'raw' })
  return out
}

/** Multipart bodies for the poster upload: none of them an image that decodes. */
function posterVariants(): Body[] {
  const part = (name: string, filename: string | undefined, type: string, data: Buffer, boundary = 'fuzzboundary') => Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"${filename === undefined ? '' : `; filename="${filename}"`}\r\nContent-Type: ${type}\r\n\r\n`),
    data,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ])
  const png = Buffer.from([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
  const jpeg = Buffer.from([0xFF, 0xD8, 0xFF, 0xE0])
  return [
    { label: 'junk as poster', raw: part('poster', 'a.png', 'image/png', Buffer.from('not an image')), kind: 'raw' },
    { label: 'PNG signature, then junk', raw: part('poster', 'a.png', 'image/png', Buffer.concat([png, Buffer.alloc(2000, 7)])), kind: 'raw' },
    { label: 'JPEG start, then junk', raw: part('poster', 'a.jpg', 'image/jpeg', Buffer.concat([jpeg, Buffer.alloc(5000, 0xFF)])), kind: 'raw' },
    { label: 'GIF', raw: part('poster', 'a.gif', 'image/gif', Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;')), kind: 'raw' },
    { label: 'SVG with script', raw: part('poster', 'a.svg', 'image/svg+xml', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')), kind: 'raw' },
    { label: 'empty file', raw: part('poster', 'a.png', 'image/png', Buffer.alloc(0)), kind: 'raw' },
    { label: 'no filename', raw: part('poster', undefined, 'image/png', png), kind: 'raw' },
    { label: 'another field', raw: part('image', 'a.png', 'image/png', png), kind: 'raw' },
    { label: 'traversal filename', raw: part('poster', '../../../etc/passwd', 'image/png', png), kind: 'raw' },
    { label: 'other boundary', raw: part('poster', 'a.png', 'image/png', png, 'otherboundary'), kind: 'raw' },
    { label: 'unterminated', raw: Buffer.from('--fuzzboundary\r\nContent-Disposition: form-data; name="poster"; filename="a.png"\r\n\r\n\x89PNG'), kind: 'raw' },
    { label: 'empty', raw: Buffer.alloc(0), kind: 'raw' },
    { label: 'JSON', text: '{"poster":"x"}', kind: 'raw' },
    { label: '60 KB of junk', raw: part('poster', 'a.webp', 'image/webp', Buffer.alloc(60_000, 'R')), kind: 'raw' },
  ]
}

/** Whether the server refuses this body before acting: not JSON, a prototype key or control character, or invalid for the schema. */
function bodyRefused(t: Target, body: Body, type: string | undefined): boolean {
  if (t.multipart || t.refused === 'always') return true
  if (!t.body) return false
  if (!F.JSON_TYPE.test(type ?? '')) return true
  const parsed = F.serverJson(body.text ?? '')
  if (!parsed || !t.body.safeParse(parsed.value).success) return true
  return t.refused === 'template' && (body.kind === 'template' || body.kind === 'extra')
}

interface Choice { path?: string, pathBad?: boolean, query?: string, body?: Body, type?: string | null, auth?: Auth, label: string }

function makeCase(t: Target, r: F.Random, c: Choice): Case {
  const goodAuth = t.who === 'admin' || t.who === 'staff' || t.who === 'anyone+admin' ? auths.find(a => a.as === 'admin')! : authenticated(t.who) ? auths.find(a => a.label === 'member')! : auths[0]!
  const auth = c.auth ?? goodAuth
  // An id that no row has (MISSING_ID) is as good as a malformed one: the request acts on nothing.
  let pathValue = c.path
  let pathBad = c.pathBad ?? false
  if (pathValue === undefined) {
    if (t.param === 'name') [pathValue, pathBad] = ['no-such-task', true]
    else if (t.param === 'id') [pathValue, pathBad] = t.realId && r.chance(0.7) ? [String(t.realId), false] : [MISSING_ID, true]
  }
  let body = c.body
  const type = c.type === null ? undefined : c.type ?? (t.multipart ? 'multipart/form-data; boundary=fuzzboundary' : 'application/json')
  if (!body && t.body) body = bodyVariants(t)[0]
  if (!body && t.multipart) body = posterVariants()[0]
  const state = { auth, pathValue, pathBad, body, type }
  const refusedNow = () => t.method === 'GET'
    || t.refused === 'always'
    || (t.param !== undefined && state.pathBad)
    || (authenticated(t.who) && !authorised(t.who, state.auth))
    || (state.body !== undefined && (t.body !== undefined || t.multipart) && bodyRefused(t, state.body, state.type))
  let label = c.label
  // A request that would be good (book, rename, delete…) is made bad in one more way.
  if (!refusedNow()) {
    const ways: Array<() => void> = []
    if (authenticated(t.who)) ways.push(() => (state.auth = r.pick(auths.filter(a => !authorised(t.who, a)))))
    if (t.param === 'id') ways.push(() => [state.pathValue, state.pathBad] = [r.pick(F.badIds(t.realId ?? 1)), true])
    if (t.body) {
      const variants = bodyVariants(t)
      ways.push(() => (state.body = r.pick(variants.filter(v => bodyRefused(t, v, state.type)))))
    }
    r.pick(ways)()
    if (state.auth !== auth) label += ` + auth ${state.auth.label}`
    if (state.pathValue !== pathValue) label += ` + path ${state.pathValue!.slice(0, 40)}`
    if (state.body !== body) label += ` + body ${state.body!.label}`
  }
  if (!refusedNow() && t.method !== 'GET') throw new Error(`${t.id} ${label}: the fuzzer made a good request`)
  const headers: Record<string, string> = {}
  if (state.auth.header !== undefined) headers.authorization = state.auth.header
  // Node refuses a request line and headers over 16 KB itself (431, before TicketShow sees
  // it): a mix of long parts drops its query to stay under.
  const bare = t.path.replace(/\{\w+\}/, state.pathValue ?? '')
  const path = c.query && bare.length + c.query.length + (headers.authorization?.length ?? 0) < 14_000 ? `${bare}?${c.query}` : bare
  const sendsBody = t.method !== 'GET'
  if (sendsBody && state.type !== undefined) headers['content-type'] = state.type
  const bytes = sendsBody && state.body ? state.body.raw ?? Buffer.from(state.body.text ?? '') : undefined
  return { target: t, label: `${t.method} ${t.path} ${label}`, path, headers, body: bytes, refused: t.method !== 'GET' && refusedNow() }
}

/** About CASES_PER_OPERATION cases for one operation: each bad variant alone, then mixes. */
function casesFor(t: Target, r: F.Random): Case[] {
  const singles: Choice[] = []
  if (t.param === 'id') for (const p of F.badIds(t.realId ?? 1)) singles.push({ path: p, pathBad: true, label: `path ${p.slice(0, 40)}` })
  if (t.param === 'name') for (const p of F.BAD_NAMES) singles.push({ path: p, pathBad: true, label: `path ${p.slice(0, 40)}` })
  const queryNames = t.query.length ? t.query : ['page']
  for (const name of queryNames) {
    for (const v of F.BAD_QUERY_VALUES) singles.push({ query: `${name}=${v}`, label: `query ${name}=${v.slice(0, 40)}` })
    for (const q of F.badQueryStrings(name)) singles.push({ query: q, label: `query ${q.slice(0, 40)}` })
  }
  for (const auth of auths) singles.push({ auth, label: `auth ${auth.label}` })
  const bodies = t.body ? bodyVariants(t) : t.multipart ? posterVariants() : t.method === 'GET' ? [] : [{ label: 'JSON body', text: '{"a":1}', kind: 'raw' as const }, { label: '70 KB body', text: 'x'.repeat(70_000), kind: 'raw' as const }]
  for (const body of bodies) singles.push({ body, label: `body ${body.label}` })
  if (t.method !== 'GET') for (const type of F.CONTENT_TYPES) singles.push({ type: type ?? null, label: `type ${type ?? 'none'}` })
  // Prototype keys and broken JSON under every spelling of a JSON type, which must all read alike.
  if (t.body) {
    const tricky = bodies.filter(b => b.kind === 'raw' && /__proto__|constructor|\\u005f|^\{$|,\}$|garbage$/.test(b.text ?? ''))
    for (const type of F.CONTENT_TYPES.filter(c => c && F.JSON_TYPE.test(c)))
      for (const body of tricky) singles.push({ body, type, label: `type ${type} body ${body.label}` })
  }
  // A deterministic shuffle, then mixes of several bad parts at once.
  for (let i = singles.length - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [singles[i], singles[j]] = [singles[j]!, singles[i]!]
  }
  const chosen = singles.slice(0, CASES_PER_OPERATION - 60)
  while (chosen.length < CASES_PER_OPERATION) {
    const mix: Choice = { label: 'mix' }
    if (t.param === 'id' && r.chance(0.5)) Object.assign(mix, { path: r.pick(F.badIds(t.realId ?? 1)), pathBad: true })
    if (t.param === 'name') Object.assign(mix, { path: r.pick(F.BAD_NAMES), pathBad: true })
    if (r.chance(0.5)) mix.query = `${r.pick(queryNames)}=${r.pick(F.BAD_QUERY_VALUES)}&${r.pick(F.badQueryStrings(r.pick(queryNames)))}`
    if (r.chance(0.5)) mix.auth = r.pick(auths)
    if (bodies.length && r.chance(0.7)) mix.body = r.pick(bodies)
    if (t.method !== 'GET' && r.chance(0.4)) mix.type = r.pick(F.CONTENT_TYPES) ?? null
    mix.label = `mix${mix.path ? ` path ${mix.path.slice(0, 30)}` : ''}${mix.query ? ` query ${mix.query.slice(0, 30)}` : ''}${mix.auth ? ` auth ${mix.auth.label}` : ''}${mix.body ? ` body ${mix.body.label}` : ''}${mix.type !== undefined ? ` type ${mix.type}` : ''}`
    chosen.push(mix)
  }
  return chosen.map(c => makeCase(t, r, c))
}

/** What is wrong with one answer, if anything. */
function problems(c: Case, reply: F.RawReply): string[] {
  const found: string[] = []
  if (reply.status >= 500) found.push(`answered ${reply.status}`)
  if (c.refused && reply.status < 400) found.push(`accepted (${reply.status}) though malformed`)
  for (const [what, pattern] of F.LEAKS) if (pattern.test(reply.body)) found.push(`shows ${what}`)
  if (reply.status >= 400 && c.path.startsWith('/api/')) {
    if (!/^application\/json/.test(reply.type)) found.push(`error as ${reply.type || 'no type'}`)
    else {
      let body: Doc
      try {
        body = JSON.parse(reply.body)
      }
      catch {
        return [...found, 'error body is not JSON']
      }
      const keys = Object.keys(body ?? {}).sort()
      if (keys.filter(k => k !== 'data').join() !== 'message,statusCode,statusMessage' || keys.some(k => !['data', 'message', 'statusCode', 'statusMessage'].includes(k))) found.push(`error keys ${keys.join()}`)
      if (body?.statusCode !== reply.status) found.push(`statusCode ${body?.statusCode}`)
      if (body?.statusMessage !== F.REASONS[reply.status]) found.push(`statusMessage ${JSON.stringify(body?.statusMessage)}`)
      if (typeof body?.message !== 'string' || !body.message) found.push('no message')
      if ('data' in (body ?? {}) && (typeof body.data !== 'object' || body.data === null || Array.isArray(body.data))) found.push('data is not an object')
    }
  }
  return found
}

describe('the API under malformed requests', () => {
  it('answers every malformed request of every operation with a clean 4xx (or a harmless 2xx for reads), and changes nothing', async () => {
    const r = F.seeded(SEED)
    const all = targets()
    // Every operation but the live stream (see targets).
    expect(all.length).toBe(operations.length - 1)
    const cases = all.flatMap(t => casesFor(t, r))
    const started = Date.now()
    const failures: string[] = []
    const kinds = new Map<string, number>()
    const statuses = new Map<number, number>()
    let next = 0
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < cases.length) {
        const c = cases[next++]!
        try {
          const reply = await F.sendRaw(server.url, c.target.method, c.path, c.headers, c.body)
          statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1)
          const found = problems(c, reply)
          if (found.length) failures.push(`${c.label} (${c.path.slice(0, 80)}): ${found.join('; ')} — ${reply.status} ${reply.body.slice(0, 300)}`)
          for (const f of found) kinds.set(`${c.target.id}: ${f}`, (kinds.get(`${c.target.id}: ${f}`) ?? 0) + 1)
        }
        catch (err) {
          failures.push(`${c.label}: no answer (${(err as Error).message})`)
        }
      }
    }))
    const seconds = ((Date.now() - started) / 1000).toFixed(1)
    const dialect = server.databaseUrl ? 'PostgreSQL' : 'SQLite'
    console.info(`fuzz on ${dialect}: ${cases.length} cases over ${all.length} operations in ${seconds} s (seed ${SEED}); answers: ${[...statuses].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(' ')}`)
    const summary = [...kinds].map(([k, n]) => `${n}× ${k}`).join('\n')
    expect(failures.slice(0, 40), `${failures.length} of ${cases.length} answers were wrong:\n${summary}`).toEqual([])

    // Nothing that existed before changed, and the sessions still work.
    await outboxSettled()
    expect(await snapshot()).toEqual(before)
    expect((await server.request('GET', '/api/auth/session', { token: world.memberToken })).status).toBe(200)
    expect((await server.request('GET', '/api/auth/session', { token: adminToken })).status).toBe(200)
    expect((await server.request('GET', '/api/health')).status).toBe(200)
  }, 150_000)
})
