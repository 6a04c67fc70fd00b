import nodemailer from 'nodemailer'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Db } from '../../server/db'
import { claimDueEmails, enqueueEmail, MAIL_LEASE_MS, flushOutbox, getOutboxEmail, listOutbox, MAIL_MAX_ATTEMPTS, MAIL_RETRY_BASE_MS, MAIL_RETRY_MAX_MS, messageIdFor, retryDelayMs } from '../../server/domain/mail'
import type { MailSender, OutgoingEmail } from '../../server/domain/mail'
import { rejection, useTestDb } from '../helpers/fixtures'
import { freePort } from '../helpers/server'
import { startSmtpSink } from '../helpers/smtp'
import type { SmtpSink } from '../helpers/smtp'

const NOW = new Date('2031-03-01T12:00:00.000Z')
const MINUTE = 60_000
const at = (ms: number) => new Date(NOW.getTime() + ms)
const FROM = 'TicketShow <no-reply@ticketshow.test>'

let db: Db
useTestDb(made => (db = made))
// Each test starts from an empty outbox.
beforeEach(async () => {
  await db.deleteFrom('outbox').execute()
})

let seq = 0
function email(overrides: Partial<OutgoingEmail> = {}): OutgoingEmail {
  const n = seq++
  return { to: `person${n}@example.test`, subject: `Hello ${n}`, html: `<p>Hello ${n}</p>`, text: `Hello ${n}`, kind: 'test', dedupeKey: `test:${n}`, ...overrides }
}

async function row(dedupeKey: string) {
  return db.selectFrom('outbox').selectAll().where('dedupe_key', '=', dedupeKey).executeTakeFirstOrThrow()
}

function smtpSender(url: string): MailSender & { close: () => void } {
  return nodemailer.createTransport({ url, connectionTimeout: 5000, greetingTimeout: 5000, socketTimeout: 10_000 })
}

describe('retryDelayMs', () => {
  it('waits a minute after the first failure, doubling each time, at most an hour', () => {
    expect(retryDelayMs(1)).toBe(MAIL_RETRY_BASE_MS)
    expect(retryDelayMs(2)).toBe(2 * MAIL_RETRY_BASE_MS)
    expect(retryDelayMs(4)).toBe(8 * MAIL_RETRY_BASE_MS)
    expect(retryDelayMs(20)).toBe(MAIL_RETRY_MAX_MS)
  })
})

describe('claimDueEmails', () => {
  it('claims due pending rows once, with a lease, and leaves rows that are not due yet', async () => {
    const due = email()
    const later = email()
    await enqueueEmail(db, due, NOW)
    await enqueueEmail(db, later, at(5 * MINUTE))
    const claimed = await claimDueEmails(db, { limit: 10, leaseMs: 10 * MINUTE, now: NOW })
    expect(claimed.map(r => r.dedupe_key)).toEqual([due.dedupeKey])
    expect(claimed[0]).toMatchObject({ status: 'sending', attempts: 1, locked_until: at(10 * MINUTE).toISOString() })
    // Claimed rows are not claimed again while the lease holds...
    expect(await claimDueEmails(db, { limit: 10, leaseMs: 10 * MINUTE, now: at(MINUTE) })).toEqual([])
    // ...but a sender that died gives them back once its lease runs out.
    const again = await claimDueEmails(db, { limit: 10, leaseMs: 10 * MINUTE, now: at(11 * MINUTE) })
    expect(again.map(r => r.dedupe_key).sort()).toEqual([due.dedupeKey, later.dedupeKey].sort())
    expect(again.find(r => r.dedupe_key === due.dedupeKey)!.attempts).toBe(2)
  })

  it('never gives one row to two concurrent claims', async () => {
    const keys: string[] = []
    for (let i = 0; i < 60; i++) {
      const e = email()
      keys.push(e.dedupeKey)
      await enqueueEmail(db, e, NOW)
    }
    const claims = await Promise.all(Array.from({ length: 8 }, () => claimDueEmails(db, { limit: 10, leaseMs: MINUTE, now: NOW })))
    const claimed = claims.flat().map(r => r.dedupe_key)
    expect(claimed.length).toBe(new Set(claimed).size)
    expect(claimed.sort()).toEqual(keys.sort())
  })
})

describe('flushOutbox', () => {
  let sink: SmtpSink
  beforeAll(async () => {
    sink = await startSmtpSink()
  })
  afterAll(() => sink?.close())
  beforeEach(() => {
    sink.messages.length = 0
  })

  it('sends the emails an instance claimed and then died with, from another instance within two minutes, once', async () => {
    const e = email()
    await enqueueEmail(db, e, NOW)
    // The first sender claims the row with the default lease and never comes back.
    expect(await claimDueEmails(db, { limit: 10, leaseMs: MAIL_LEASE_MS, now: NOW })).toHaveLength(1)
    const sent: string[] = []
    const sender: MailSender = { sendMail: async (m) => {
      sent.push(m.messageId)
    } }
    // mail:flush ticks every minute: the tick after the lease has run out takes it.
    expect(await flushOutbox(db, { sender, from: FROM, now: () => at(MAIL_LEASE_MS - 1000) })).toMatchObject({ sent: 0 })
    expect(await flushOutbox(db, { sender, from: FROM, now: () => at(2 * MINUTE) })).toMatchObject({ sent: 1 })
    expect(await flushOutbox(db, { sender, from: FROM, now: () => at(3 * MINUTE) })).toMatchObject({ sent: 0 })
    expect(sent).toEqual([messageIdFor(e.dedupeKey, FROM)])
    expect(MAIL_LEASE_MS).toBeLessThanOrEqual(MINUTE)
  })

  it('sends each due email over SMTP with its headers, attachments and a Message-ID made from its dedupe key, and marks it sent', async () => {
    const e = email({
      headers: { 'List-Unsubscribe': '<https://tickets.example/unsubscribe?token=abc>' },
      attachments: [
        { filename: 'invite.ics', contentType: 'text/calendar', content: Buffer.from('BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n').toString('base64') },
        { filename: 'chart.png', contentType: 'image/png', content: Buffer.from([0x89, 0x50, 0x4E, 0x47]).toString('base64'), cid: 'chart' },
      ],
    })
    await enqueueEmail(db, e, NOW)
    const transport = smtpSender(sink.url)
    const result = await flushOutbox(db, { sender: transport, from: FROM, now: () => at(MINUTE) })
    transport.close()
    expect(result).toEqual({ sent: 1, failed: 0, captured: 0, retrying: 0 })
    expect(sink.messages).toHaveLength(1)
    const mail = sink.messages[0]!
    expect(mail.envelopeTo).toEqual([e.to])
    expect(mail.subject).toBe(e.subject)
    expect(mail.text).toContain(e.text)
    expect(mail.html).toContain(e.html)
    expect(mail.headers['list-unsubscribe']).toBe('<https://tickets.example/unsubscribe?token=abc>')
    expect(mail.messageId).toBe(messageIdFor(e.dedupeKey, FROM))
    const files = [...mail.attachments].sort((a, b) => a.filename!.localeCompare(b.filename!))
    expect(files.map(a => [a.filename, a.contentType, a.cid])).toEqual([['chart.png', 'image/png', 'chart'], ['invite.ics', 'text/calendar', undefined]])
    expect([...files[0]!.content]).toEqual([0x89, 0x50, 0x4E, 0x47])
    expect(files[1]!.content.toString()).toContain('BEGIN:VCALENDAR')
    expect(await row(e.dedupeKey)).toMatchObject({ status: 'sent', attempts: 1, sent_at: at(MINUTE).toISOString(), locked_until: null, last_error: null })
  })

  it('records a failure while the SMTP server is down, retries after the backoff, and sends each email exactly once when it is back', async () => {
    const port = await freePort()
    const emails = [email(), email(), email()]
    for (const e of emails) await enqueueEmail(db, e, NOW)
    const transport = smtpSender(`smtp://127.0.0.1:${port}`)

    const down = await flushOutbox(db, { sender: transport, from: FROM, now: () => NOW })
    expect(down).toEqual({ sent: 0, failed: 0, captured: 0, retrying: 3 })
    for (const e of emails) {
      const r = await row(e.dedupeKey)
      expect(r).toMatchObject({ status: 'pending', attempts: 1, sent_at: null, next_attempt_at: at(MINUTE).toISOString() })
      expect(r.last_error).toMatch(/ECONNREFUSED/)
    }
    // Not due yet: nothing is tried.
    expect(await flushOutbox(db, { sender: transport, from: FROM, now: () => at(30_000) })).toEqual({ sent: 0, failed: 0, captured: 0, retrying: 0 })
    // Down again at the first retry: the next wait is twice as long.
    expect((await flushOutbox(db, { sender: transport, from: FROM, now: () => at(MINUTE) })).retrying).toBe(3)
    expect((await row(emails[0]!.dedupeKey)).next_attempt_at).toBe(at(3 * MINUTE).toISOString())

    const back = await startSmtpSink(port)
    try {
      const result = await flushOutbox(db, { sender: transport, from: FROM, now: () => at(3 * MINUTE) })
      expect(result).toEqual({ sent: 3, failed: 0, captured: 0, retrying: 0 })
      // Flushing again sends nothing more.
      expect((await flushOutbox(db, { sender: transport, from: FROM, now: () => at(60 * MINUTE) })).sent).toBe(0)
      expect(back.messages.map(m => m.envelopeTo[0]).sort()).toEqual(emails.map(e => e.to).sort())
      for (const e of emails) expect(await row(e.dedupeKey)).toMatchObject({ status: 'sent', attempts: 3, last_error: null })
    }
    finally {
      transport.close()
      await back.close()
    }
  })

  it(`gives up after ${MAIL_MAX_ATTEMPTS} failed attempts and marks the email failed`, async () => {
    const e = email()
    await enqueueEmail(db, e, NOW)
    const broken: MailSender = { sendMail: async () => {
      throw Object.assign(new Error('Mailbox unavailable'), { responseCode: 450 })
    } }
    let clock = NOW.getTime()
    const totals = { failed: 0, retrying: 0 }
    for (let i = 0; i < MAIL_MAX_ATTEMPTS + 3; i++) {
      const r = await flushOutbox(db, { sender: broken, from: FROM, now: () => new Date(clock) })
      totals.failed += r.failed
      totals.retrying += r.retrying
      clock += MAIL_RETRY_MAX_MS
    }
    expect(totals).toEqual({ failed: 1, retrying: MAIL_MAX_ATTEMPTS - 1 })
    expect(await row(e.dedupeKey)).toMatchObject({ status: 'failed', attempts: MAIL_MAX_ATTEMPTS, last_error: '450 Mailbox unavailable' })
  })

  it('keeps due emails as captured when no SMTP server is configured', async () => {
    const e = email()
    await enqueueEmail(db, e, NOW)
    expect(await flushOutbox(db, { sender: null, from: FROM, now: () => NOW })).toEqual({ sent: 0, failed: 0, captured: 1, retrying: 0 })
    expect(await row(e.dedupeKey)).toMatchObject({ status: 'captured', sent_at: null })
    expect(sink.messages).toHaveLength(0)
  })

  it('sends each email once when several flushes run at the same time', async () => {
    const keys = new Set<string>()
    for (let i = 0; i < 120; i++) {
      const e = email()
      keys.add(messageIdFor(e.dedupeKey, FROM))
      await enqueueEmail(db, e, NOW)
    }
    const transports = Array.from({ length: 4 }, () => smtpSender(sink.url))
    const results = await Promise.all(transports.map(t => flushOutbox(db, { sender: t, from: FROM, batchSize: 10, now: () => NOW })))
    for (const t of transports) t.close()
    expect(results.reduce((n, r) => n + r.sent, 0)).toBe(120)
    const ids = sink.messages.map(m => m.messageId)
    expect(ids).toHaveLength(120)
    expect(new Set(ids)).toEqual(keys)
  })
})

describe('listOutbox and getOutboxEmail', () => {
  it('lists newest first, filters by status and searches recipient and subject; one email comes whole', async () => {
    await enqueueEmail(db, email({ to: 'asha@example.test', subject: 'Booking confirmed: Dune', dedupeKey: 'k:1' }), NOW)
    await enqueueEmail(db, email({ to: 'ravi@example.test', subject: 'Welcome 100%', dedupeKey: 'k:2', attachments: [{ filename: 'a.ics', contentType: 'text/calendar', content: Buffer.from('12345').toString('base64') }] }), NOW)
    await flushOutbox(db, { sender: null, from: FROM, now: () => NOW })
    await enqueueEmail(db, email({ to: 'meera@example.test', subject: 'Booking changed: Dune', dedupeKey: 'k:3' }), NOW)

    const all = await listOutbox(db, { page: 1, pageSize: 20 })
    expect(all.items.map(i => i.to)).toEqual(['meera@example.test', 'ravi@example.test', 'asha@example.test'])
    expect(all.total).toBe(3)
    expect((await listOutbox(db, { status: 'captured', page: 1, pageSize: 20 })).items.map(i => i.to)).toEqual(['ravi@example.test', 'asha@example.test'])
    expect((await listOutbox(db, { q: 'DUNE', page: 1, pageSize: 20 })).total).toBe(2)
    expect((await listOutbox(db, { q: 'ravi@', page: 1, pageSize: 20 })).total).toBe(1)
    expect((await listOutbox(db, { q: '100%', page: 1, pageSize: 20 })).total).toBe(1)
    expect((await listOutbox(db, { q: '_', page: 1, pageSize: 20 })).total).toBe(0)

    const ravi = all.items.find(i => i.to === 'ravi@example.test')!
    const detail = await getOutboxEmail(db, ravi.id)
    expect(detail).toMatchObject({ status: 'captured', dedupeKey: 'k:2', headers: {}, attachments: [{ filename: 'a.ics', contentType: 'text/calendar', size: 5, cid: null }] })
    expect(detail!.html).toContain('<p>')
    expect((await rejection(getOutboxEmail(db, 999_999))).statusCode).toBe(404)
  })
})
