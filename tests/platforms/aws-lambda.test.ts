import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDb } from '../../server/db'
import { enqueueEmail } from '../../server/domain/mail'
import { TEST_DATABASE_URL, createPgDatabase } from '../helpers/pg'
import { deployStep, startLambda } from '../helpers/lambda'
import type { LambdaInstance } from '../helpers/lambda'
import { startSmtpSink } from '../helpers/smtp'
import type { SmtpSink } from '../helpers/smtp'

// The aws-lambda build (.output-aws-lambda, built by tests/helpers/platforms-setup.ts), its
// handler called with real API Gateway and EventBridge events, against PostgreSQL: two
// function instances in processes of their own share nothing but the database.
const PG = TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const ADMIN = { username: 'admin', password: 'lambda-admin-password-1', email: 'admin@lambda.test' }
const AUTH_SECRET = 'lambda-test-auth-secret-0123456789abcdefghijkl'

let sink: SmtpSink
let databaseUrl: string
let drop: () => Promise<void>
let env: Record<string, string>
const instances: LambdaInstance[] = []

async function lambda(extra: Record<string, string> = {}) {
  const instance = await startLambda({ ...env, ...extra })
  instances.push(instance)
  return instance
}

beforeAll(async () => {
  sink = await startSmtpSink()
  ;({ url: databaseUrl, drop } = await createPgDatabase(PG))
  env = {
    NUXT_DATABASE_URL: databaseUrl,
    NUXT_AUTH_SECRET: AUTH_SECRET,
    NUXT_SMTP_URL: sink.url,
    NUXT_MAIL_FROM: 'TicketShow <tickets@lambda.test>',
    NUXT_CRON_SECRET: 'lambda-cron-secret-0123456789',
  }
})
afterAll(async () => {
  for (const instance of instances) await instance.stop()
  await sink?.close()
  await drop?.()
})

async function login(fn: LambdaInstance, username: string, password: string): Promise<string> {
  const res = await fn.http('POST', '/api/auth/login', { body: { username, password } })
  expect(res.statusCode, res.body).toBe(200)
  return res.json.token
}

function multipart(field: string, filename: string, type: string, data: Buffer): { body: Buffer, contentType: string } {
  const boundary = `----ticketshow${Date.now()}`
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`
  return { body: Buffer.concat([Buffer.from(head), data, Buffer.from(`\r\n--${boundary}--\r\n`)]), contentType: `multipart/form-data; boundary=${boundary}` }
}

describe('the aws-lambda build', () => {
  it('answers 503 naming the deploy step while the schema is behind, then serves once it has run, with no cold-start 503', async () => {
    const early = await lambda()
    const before = await early.http('GET', '/api/shows')
    expect(before.statusCode).toBe(503)
    expect(before.json.message).toMatch(/npm run db:migrate/)
    expect(before.headers['retry-after']).toBeTruthy()

    deployStep(databaseUrl, ADMIN)
    // A function that starts now finds the schema current: its very first request is served.
    const cold = await lambda()
    const first = await cold.http('POST', '/api/auth/register', { body: { username: 'lambdauser', email: 'lambdauser@lambda.test', password: 'correct-horse-battery' } })
    expect(first.statusCode, first.body).toBe(201)
    // The early one notices too, without a restart.
    await expect.poll(async () => (await early.http('GET', '/api/shows')).statusCode, { timeout: 15_000 }).toBe(200)
  })

  it('registers, approves, logs in and books across two instances, mailing before each returns; an EventBridge tick mails the rest', async () => {
    const [a, b] = [instances[1]!, instances[0]!]
    const adminToken = await login(a, ADMIN.username, ADMIN.password)
    const users = await a.http('GET', '/api/users?status=pending', { token: adminToken })
    const user = users.json.items.find((u: { username: string }) => u.username === 'lambdauser')
    expect((await a.http('POST', `/api/users/${user.id}/approve`, { token: adminToken })).statusCode).toBe(200)
    const userToken = await login(b, 'lambdauser', 'correct-horse-battery')

    const venue = await a.http('POST', '/api/venues', { token: adminToken, body: { name: 'Lambda Hall', place: 'Pune', capacity: 40, seatsPerRow: 8 } })
    const show = await a.http('POST', '/api/shows', { token: adminToken, body: { name: 'Cold Start', ticketPrice: 20_000, tags: ['drama'] } })
    const screening = await a.http('POST', '/api/screenings', { token: adminToken, body: { showId: show.json.id, venueId: venue.json.id, startsAt: new Date(Date.now() + 5 * 86_400_000).toISOString() } })
    expect(screening.statusCode, screening.body).toBe(201)
    const booking = await b.http('POST', '/api/bookings', { token: userToken, body: { screeningId: screening.json.id, seats: ['A1', 'A2'] } })
    expect(booking.statusCode, booking.body).toBe(201)
    // The other instance sees it at once: nothing is kept in one function's memory.
    const mine = await a.http('GET', '/api/bookings', { token: userToken })
    expect(mine.json.items.map((x: { reference: string }) => x.reference)).toEqual([booking.json.reference])

    // Lambda freezes a function once it returns, so the invocation that booked has sent the
    // confirmation before returning; nothing is left waiting in the outbox.
    const confirmation = sink.messages.find(m => m.to.includes('lambdauser@lambda.test') && m.text.includes(booking.json.reference))
    expect(confirmation?.subject).toMatch(/Cold Start/)
    const db = openDb(databaseUrl).db
    try {
      expect(await db.selectFrom('outbox').select('id').where('status', 'in', ['pending', 'sending']).execute()).toEqual([])
      // An email nobody asked to flush (as a task writes) goes out with the next tick.
      await enqueueEmail(db, { to: 'ticked@lambda.test', subject: 'Ticked by EventBridge', html: '<p>tick</p>', text: 'tick', kind: 'test', dedupeKey: 'lambda-tick:1' })
    }
    finally {
      await db.destroy()
    }
    // The default event of an EventBridge rule `rate(1 minute)`: mail:flush is due every minute.
    const tick = await a.invoke<Record<string, { sent?: number }>>({ 'version': '0', 'source': 'aws.events', 'detail-type': 'Scheduled Event', 'time': new Date().toISOString(), 'detail': {} })
    expect(tick['mail:flush']?.sent).toBe(1)
    expect(sink.messages.filter(m => m.subject === 'Ticked by EventBridge')).toHaveLength(1)
    // A schedule whose input names its task; a second tick finds nothing left to send.
    expect(await b.invoke({ task: 'mail:flush' })).toMatchObject({ 'mail:flush': { sent: 0 } })
    await expect(b.invoke({ task: 'db:seed' })).rejects.toThrow(/not a scheduled task/)
    // And the same tick through the authenticated HTTP route.
    expect((await b.http('POST', '/api/cron/mail:flush', { token: 'lambda-cron-secret-0123456789' })).statusCode).toBe(200)
    expect((await b.http('POST', '/api/cron/mail:flush', { token: 'wrong-secret' })).statusCode).toBe(401)

    // A poster uploaded through one instance is served by the other, byte for byte.
    const png = await sharp({ create: { width: 400, height: 600, channels: 3, background: '#884422' } }).png().toBuffer()
    const form = multipart('poster', 'poster.png', 'image/png', png)
    const uploaded = await a.http('PUT', `/api/shows/${show.json.id}/poster`, { token: adminToken, body: form.body, headers: { 'content-type': form.contentType } })
    expect(uploaded.statusCode, uploaded.body).toBe(200)
    const fromA = await a.http('GET', uploaded.json.posterUrl)
    const fromB = await b.http('GET', uploaded.json.posterUrl)
    expect(fromB.statusCode).toBe(200)
    expect(fromB.isBase64Encoded).toBe(true)
    expect(fromB.headers['content-type']).toBe('image/webp')
    expect(fromB.body).toBe(fromA.body)
    expect((await sharp(Buffer.from(fromB.body, 'base64')).metadata()).width).toBe(600)
  })

  it('applies the limits per client address as API Gateway saw it', async () => {
    const fn = instances[0]!
    const attempt = (sourceIp: string) => fn.http('POST', '/api/auth/login', { body: { username: 'lambdauser', password: 'wrong-password-here' }, sourceIp })
    for (let i = 0; i < 5; i++) expect((await attempt('203.0.113.9')).statusCode).toBe(401)
    expect((await attempt('203.0.113.9')).statusCode).toBe(429)
    // Someone else is not locked out by it.
    expect((await attempt('203.0.113.10')).statusCode).toBe(401)
  })

  it('refuses to start without NUXT_AUTH_SECRET or on SQLite, naming the variable', async () => {
    await expect(startLambda({ ...env, NUXT_AUTH_SECRET: '' })).rejects.toThrow(/NUXT_AUTH_SECRET must be set/)
    await expect(startLambda({ ...env, NUXT_DATABASE_URL: '' })).rejects.toThrow(/NUXT_DATABASE_URL must name a PostgreSQL database/)
  })
})
