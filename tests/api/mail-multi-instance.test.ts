import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../server/db'
import { enqueueEmail, messageIdFor } from '../../server/domain/mail'
import { openServerDb } from '../helpers/fixtures'
import { TEST_DATABASE_URL, createPgDatabase } from '../helpers/pg'
import { ADMIN, login, startServer } from '../helpers/server'
import type { TestServer } from '../helpers/server'
import { startSmtpSink } from '../helpers/smtp'
import type { SmtpSink } from '../helpers/smtp'

// Two instances of the same build flush one PostgreSQL outbox into one SMTP server at the
// same moment: the rows are claimed FOR UPDATE SKIP LOCKED, so each email is sent once.
const PG = TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const FROM = 'TicketShow <tickets@ticketshow.test>'
const EMAILS = 300
const CRON_SECRET = 'mail-multi-instance-cron-0123456789'

describe('two instances flushing one PostgreSQL outbox at once', () => {
  let a: TestServer
  let b: TestServer
  let sink: SmtpSink
  let db: Db
  let drop: () => Promise<void>

  beforeAll(async () => {
    const pg = await createPgDatabase(PG)
    drop = pg.drop
    sink = await startSmtpSink()
    const env = { NUXT_SMTP_URL: sink.url, NUXT_MAIL_FROM: FROM, NUXT_AUTH_SECRET: 'mail-multi-instance-secret-0123456789abcdef', NUXT_CRON_SECRET: CRON_SECRET }
    a = await startServer({ databaseUrl: pg.url, env })
    b = await startServer({ databaseUrl: pg.url, env })
    db = openServerDb(a)
  })
  afterAll(async () => {
    await db?.destroy()
    await a?.stop()
    await b?.stop()
    await sink?.close()
    await drop?.()
  })

  it('sends each of 300 pending emails exactly once', async () => {
    const expected = new Set<string>()
    for (let i = 0; i < EMAILS; i++) {
      const dedupeKey = `multi:${i}`
      expected.add(messageIdFor(dedupeKey, FROM))
      await enqueueEmail(db, { to: `person${i}@example.test`, subject: `Hello ${i}`, html: `<p>Hello ${i}</p>`, text: `Hello ${i}`, kind: 'test', dedupeKey })
    }
    const [tokenA, tokenB] = await Promise.all([login(a, ADMIN.username, ADMIN.password), login(b, ADMIN.username, ADMIN.password)])
    const results = await Promise.all([
      a.request('POST', '/api/admin/tasks/mail:flush', { token: tokenA }),
      b.request('POST', '/api/admin/tasks/mail:flush', { token: tokenB }),
    ])
    const sent = results.map(r => r.body.result.sent as number)
    expect(sent[0]! + sent[1]!).toBe(EMAILS)
    // Both took part (each claims 50 at a time, and 300 take a while to send).
    expect(sent.every(n => n > 0)).toBe(true)

    const ids = sink.messages.map(m => m.messageId)
    expect(ids).toHaveLength(EMAILS)
    expect(new Set(ids)).toEqual(expected)
    const left = await db.selectFrom('outbox').select('status').where('status', '!=', 'sent').execute()
    expect(left).toEqual([])
  })

  it('sends each email once when two platforms\' scheduled ticks arrive at once (POST and Vercel\'s GET)', async () => {
    const before = sink.messages.length
    const expected = new Set<string>()
    for (let i = 0; i < 100; i++) {
      const dedupeKey = `multi-cron:${i}`
      expected.add(messageIdFor(dedupeKey, FROM))
      await enqueueEmail(db, { to: `ticked${i}@example.test`, subject: `Tick ${i}`, html: `<p>Tick ${i}</p>`, text: `Tick ${i}`, kind: 'test', dedupeKey })
    }
    const results = await Promise.all([
      a.request('POST', '/api/cron/mail:flush', { token: CRON_SECRET }),
      b.request('GET', '/api/cron/mail:flush', { token: CRON_SECRET }),
    ])
    expect(results.map(r => r.status)).toEqual([200, 200])
    expect(results[0]!.body.result.sent + results[1]!.body.result.sent).toBe(100)
    const ids = sink.messages.slice(before).map(m => m.messageId)
    expect(ids).toHaveLength(100)
    expect(new Set(ids)).toEqual(expected)
  })
})
