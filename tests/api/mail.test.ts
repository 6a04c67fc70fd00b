import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../server/db'
import { openServerDb } from '../helpers/fixtures'
import { ADMIN, createApprovedUser, freePort, login, startServer } from '../helpers/server'
import type { TestServer } from '../helpers/server'
import { startSmtpSink } from '../helpers/smtp'
import type { ReceivedMail, SmtpSink } from '../helpers/smtp'

// Email end to end: the built server writes each email to the outbox with what caused it,
// and delivers it to a real SMTP server (started here), or keeps it as captured for
// /admin/outbox when no SMTP server is configured.

const DAY = 86_400_000

async function catalogue(server: TestServer, adminToken: string, capacity = 30) {
  const venue = (await server.request('POST', '/api/venues', { token: adminToken, body: { name: `Mail Hall ${Date.now()}`, place: 'Pune', capacity, seatsPerRow: 10, timezone: 'Asia/Kolkata' } })).body
  const show = (await server.request('POST', '/api/shows', { token: adminToken, body: { name: `Mail Show ${Date.now()}`, tags: [], ticketPrice: 25_000, durationMinutes: 120 } })).body
  const screening = (await server.request('POST', '/api/screenings', { token: adminToken, body: { showId: show.id, venueId: venue.id, startsAt: new Date(Date.now() + 3 * DAY).toISOString() } })).body
  return { venue, show, screening }
}

/** Polls until `check` returns a value (not undefined); fails after a while. */
async function eventually<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(r => setTimeout(r, 100))
  }
}

const to = (address: string, subject: RegExp) => (m: ReceivedMail) => m.envelopeTo.includes(address) && subject.test(m.subject)

describe('with an SMTP server', () => {
  let sink: SmtpSink
  let server: TestServer
  let adminToken: string
  beforeAll(async () => {
    sink = await startSmtpSink()
    server = await startServer({ env: { NUXT_SMTP_URL: sink.url, NUXT_MAIL_FROM: 'TicketShow <tickets@ticketshow.test>', NUXT_PUBLIC_SITE_URL: 'https://tickets.example' } })
    adminToken = await login(server, ADMIN.username, ADMIN.password)
  })
  afterAll(async () => {
    await server?.stop()
    await sink?.close()
  })

  it('welcomes a new user, tells them when they are approved, and delivers a booking confirmation with its .ics invite within seconds', async () => {
    const { screening, show } = await catalogue(server, adminToken)
    const user = await createApprovedUser(server, adminToken)
    const email = `${user.username}@example.test`
    await sink.waitFor(ms => ms.some(to(email, /waiting for approval/)) && ms.some(to(email, /account is approved/)))

    const booking = (await server.request('POST', '/api/bookings', { token: user.token, body: { screeningId: screening.id, quantity: 2 } })).body
    // No flush is asked for: the booking itself kicks one.
    const [mail] = (await sink.waitFor(ms => ms.some(to(email, /^Booking confirmed/)))).filter(to(email, /^Booking confirmed/))
    expect(mail!.subject).toContain(show.name)
    expect(mail!.from).toBe('TicketShow <tickets@ticketshow.test>')
    expect(mail!.text).toContain(booking.reference)
    expect(mail!.text).toContain(booking.seats.join(', '))
    expect(mail!.text).toContain('₹500.00')
    expect(mail!.html).toContain(`https://tickets.example/bookings/${booking.id}`)
    const ics = mail!.attachments.find(a => a.filename === `ticketshow-${booking.reference}.ics`)
    expect(ics?.contentType).toBe('text/calendar')
    const invite = ics!.content.toString()
    expect(invite).toContain('BEGIN:VEVENT')
    expect(invite).toContain(`DTSTART:${new Date(screening.startsAt).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')}`)

    const outbox = await server.request('GET', `/api/admin/outbox?q=${encodeURIComponent(email)}&status=sent`, { token: adminToken })
    expect(outbox.body.items.map((i: { kind: string }) => i.kind).sort()).toEqual(['approved', 'booking-confirmed', 'registration'])
  })

  it('emails each change and the cancellation of a booking', async () => {
    const { screening } = await catalogue(server, adminToken)
    const user = await createApprovedUser(server, adminToken)
    const email = `${user.username}@example.test`
    const booking = (await server.request('POST', '/api/bookings', { token: user.token, body: { screeningId: screening.id, quantity: 1 } })).body
    expect((await server.request('PATCH', `/api/bookings/${booking.id}`, { token: user.token, body: { quantity: 2 } })).status).toBe(200)
    expect((await server.request('PATCH', `/api/bookings/${booking.id}`, { token: user.token, body: { seats: ['A1', 'A2', 'A3'] } })).status).toBe(200)
    expect((await server.request('DELETE', `/api/bookings/${booking.id}`, { token: user.token })).status).toBe(200)
    const mails = await sink.waitFor(ms => ms.filter(to(email, /^Booking changed/)).length === 2 && ms.some(to(email, /^Booking cancelled/)))
    const changes = mails.filter(to(email, /^Booking changed/))
    expect(changes.map(m => m.text.match(/Seats: (.*)/)?.[1]).sort()).toEqual([expect.stringMatching(/^[A-Z]\d+, [A-Z]\d+$/), 'A1, A2, A3'].sort())
    expect(mails.filter(to(email, /^Booking cancelled/))[0]!.text).toContain(booking.reference)
  })

  it('tells every booker when an admin cancels the screening', async () => {
    const { screening } = await catalogue(server, adminToken)
    const [a, b] = [await createApprovedUser(server, adminToken), await createApprovedUser(server, adminToken)]
    const ba = (await server.request('POST', '/api/bookings', { token: a.token, body: { screeningId: screening.id, quantity: 1 } })).body
    const bb = (await server.request('POST', '/api/bookings', { token: b.token, body: { screeningId: screening.id, quantity: 3 } })).body
    expect((await server.request('DELETE', `/api/screenings/${screening.id}`, { token: adminToken })).status).toBe(204)
    const mails = await sink.waitFor(ms => [a, b].every(u => ms.some(to(`${u.username}@example.test`, /^Screening cancelled/))))
    expect(mails.filter(to(`${a.username}@example.test`, /^Screening cancelled/))[0]!.text).toContain(ba.reference)
    expect(mails.filter(to(`${b.username}@example.test`, /^Screening cancelled/))[0]!.text).toContain(bb.reference)
  })

  it('runs mail:flush on demand for admins and answers with what it did', async () => {
    const res = await server.request('POST', '/api/admin/tasks/mail:flush', { token: adminToken })
    expect(res.status).toBe(200)
    expect(res.body.result).toEqual({ sent: expect.any(Number), failed: 0, captured: 0, retrying: 0 })
  })
})

describe('while the SMTP server is down', () => {
  let server: TestServer
  let db: Db
  let adminToken: string
  let port: number
  beforeAll(async () => {
    port = await freePort()
    server = await startServer({ env: { NUXT_SMTP_URL: `smtp://127.0.0.1:${port}` } })
    db = openServerDb(server)
    adminToken = await login(server, ADMIN.username, ADMIN.password)
  })
  afterAll(async () => {
    await db?.destroy()
    await server?.stop()
  })

  it('records each failure and retries later; once the server is back every email arrives exactly once', async () => {
    const { screening } = await catalogue(server, adminToken)
    const user = await createApprovedUser(server, adminToken)
    const booking = (await server.request('POST', '/api/bookings', { token: user.token, body: { screeningId: screening.id, quantity: 1 } })).body
    expect(booking.reference).toBeDefined()

    type Item = { id: number, kind: string, status: string, attempts: number, lastError: string | null, nextAttemptAt: string }
    const failed = await eventually(async () => {
      const items = (await server.request<{ items: Item[] }>('GET', '/api/admin/outbox', { token: adminToken })).body.items
      return items.length === 3 && items.every(i => i.attempts === 1 && i.status === 'pending') ? items : undefined
    }, 'the three emails to fail once')
    expect(failed.map(i => i.kind).sort()).toEqual(['approved', 'booking-confirmed', 'registration'])
    for (const item of failed) {
      expect(item.lastError).toMatch(/ECONNREFUSED/)
      expect(new Date(item.nextAttemptAt).getTime()).toBeGreaterThan(Date.now())
    }
    // Not due yet: a flush now leaves them alone.
    expect((await server.request('POST', '/api/admin/tasks/mail:flush', { token: adminToken })).body.result).toEqual({ sent: 0, failed: 0, captured: 0, retrying: 0 })

    const sink = await startSmtpSink(port)
    try {
      // The backoff has passed (the clock moved on, as far as the outbox knows).
      await db.updateTable('outbox').set({ next_attempt_at: new Date(Date.now() - 1000).toISOString() }).where('status', '=', 'pending').execute()
      const flushed = await server.request('POST', '/api/admin/tasks/mail:flush', { token: adminToken })
      expect(flushed.body.result).toEqual({ sent: 3, failed: 0, captured: 0, retrying: 0 })
      expect((await server.request('POST', '/api/admin/tasks/mail:flush', { token: adminToken })).body.result.sent).toBe(0)
      expect(sink.messages.map(m => m.subject).sort()).toEqual([
        expect.stringMatching(/^Booking confirmed/),
        'Welcome to TicketShow: your account is waiting for approval',
        'Your TicketShow account is approved',
      ].sort())
      expect(new Set(sink.messages.map(m => m.messageId)).size).toBe(3)
      const after = (await server.request<{ items: Item[] }>('GET', '/api/admin/outbox?status=sent', { token: adminToken })).body.items
      expect(after.map(i => i.attempts)).toEqual([2, 2, 2])
    }
    finally {
      await sink.close()
    }
  })
})

describe('without an SMTP server (the default)', () => {
  let server: TestServer
  let adminToken: string
  beforeAll(async () => {
    server = await startServer()
    adminToken = await login(server, ADMIN.username, ADMIN.password)
  })
  afterAll(() => server?.stop())

  it('keeps emails as captured, for admins to read at /api/admin/outbox', async () => {
    const username = `captured${Date.now().toString(36)}`
    const reg = await server.request('POST', '/api/auth/register', { body: { username, email: `${username}@example.test`, password: 'correct-horse-battery' } })
    expect(reg.status).toBe(201)
    const item = await eventually(async () => {
      const res = await server.request('GET', `/api/admin/outbox?status=captured&q=${username}`, { token: adminToken })
      return res.body.items[0]
    }, 'the registration email to be captured')
    expect(item).toMatchObject({ to: `${username}@example.test`, kind: 'registration', status: 'captured', attempts: 0, sentAt: null })

    const detail = await server.request('GET', `/api/admin/outbox/${item.id}`, { token: adminToken })
    expect(detail.status).toBe(200)
    expect(detail.body).toMatchObject({ id: item.id, dedupeKey: `registration:${reg.body.user.id}`, headers: {}, attachments: [] })
    expect(detail.body.html).toContain(`Thanks for registering, ${username}`)
    expect(detail.body.text).toContain('approve')

    // Flushing finds nothing left to send.
    expect((await server.request('POST', '/api/admin/tasks/mail:flush', { token: adminToken })).body.result).toEqual({ sent: 0, failed: 0, captured: 0, retrying: 0 })
  })

  it('shows a captured booking confirmation with its attachment described', async () => {
    const { screening } = await catalogue(server, adminToken)
    const user = await createApprovedUser(server, adminToken)
    const booking = (await server.request('POST', '/api/bookings', { token: user.token, body: { screeningId: screening.id, quantity: 1 } })).body
    const item = await eventually(async () => {
      const res = await server.request('GET', `/api/admin/outbox?status=captured&q=${user.username}`, { token: adminToken })
      return res.body.items.find((i: { kind: string }) => i.kind === 'booking-confirmed')
    }, 'the confirmation to be captured')
    const detail = (await server.request('GET', `/api/admin/outbox/${item.id}`, { token: adminToken })).body
    expect(detail.attachments).toEqual([{ filename: `ticketshow-${booking.reference}.ics`, contentType: expect.stringMatching(/^text\/calendar/), size: expect.any(Number), cid: null }])
    expect(detail.attachments[0].size).toBeGreaterThan(100)
  })

  it('answers 401 to anonymous callers, 403 to users, 404 for an unknown email and 400 for a bad filter', async () => {
    const user = await createApprovedUser(server, adminToken)
    for (const path of ['/api/admin/outbox', '/api/admin/outbox/1']) {
      expect((await server.request('GET', path)).status, path).toBe(401)
      expect((await server.request('GET', path, { token: user.token })).status, path).toBe(403)
    }
    expect((await server.request('GET', '/api/admin/outbox/999999', { token: adminToken })).status).toBe(404)
    expect((await server.request('GET', '/api/admin/outbox?status=lost', { token: adminToken })).status).toBe(400)
    expect((await server.request('GET', '/api/admin/outbox?pageSize=500', { token: adminToken })).status).toBe(400)
  })
})
