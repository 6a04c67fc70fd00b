import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../server/db'
import { enqueueEmail } from '../../server/domain/mail'
import { openServerDb, unique } from '../helpers/fixtures'
import { ADMIN, login, startServer } from '../helpers/server'
import type { TestServer } from '../helpers/server'
import { startSmtpSink } from '../helpers/smtp'
import type { SmtpSink } from '../helpers/smtp'

// POST /api/cron/{task} (and GET, for Vercel Cron): the scheduled ticks that platforms
// without a long-running process send. The test servers run with NUXT_SCHEDULER=off, which
// governs their own cron runner only; an authenticated tick still acts.
const SECRET = 'cron-secret-for-tests-0123456789'

describe('POST /api/cron/{task}', () => {
  let server: TestServer
  let bare: TestServer
  let sink: SmtpSink
  let db: Db

  beforeAll(async () => {
    sink = await startSmtpSink()
    ;[server, bare] = await Promise.all([
      startServer({ env: { NUXT_CRON_SECRET: SECRET, NUXT_SMTP_URL: sink.url } }),
      startServer(),
    ])
    db = openServerDb(server)
  })
  afterAll(async () => {
    await db?.destroy()
    await server?.stop()
    await bare?.stop()
    await sink?.close()
  })

  const tick = (s: TestServer, task: string, token?: string, method = 'POST') =>
    s.request(method, `/api/cron/${task}`, { token })

  it('refuses every call with 401 when no NUXT_CRON_SECRET is configured', async () => {
    for (const method of ['POST', 'GET']) {
      const res = await tick(bare, 'mail:flush', SECRET, method)
      expect(res.status).toBe(401)
      expect(res.body.message).toMatch(/NUXT_CRON_SECRET/)
    }
  })

  it('answers 401 without the secret, with a wrong one, or with an admin\'s token, and runs nothing', async () => {
    const dedupeKey = unique('cron-denied:')
    await enqueueEmail(db, { to: 'denied@example.test', subject: 'Denied', html: '<p>x</p>', text: 'x', kind: 'test', dedupeKey })
    const adminToken = await login(server, ADMIN.username, ADMIN.password)
    for (const token of [undefined, 'wrong-secret-0123456789abcdef', `${SECRET}x`, adminToken]) {
      for (const method of ['POST', 'GET']) expect((await tick(server, 'mail:flush', token, method)).status).toBe(401)
    }
    const basic = await server.request('POST', '/api/cron/mail:flush', { headers: { authorization: `Basic ${Buffer.from(`x:${SECRET}`).toString('base64')}` } })
    expect(basic.status).toBe(401)
    const row = await db.selectFrom('outbox').select('status').where('dedupe_key', '=', dedupeKey).executeTakeFirstOrThrow()
    expect(row.status).toBe('pending')
    const runs = await db.selectFrom('task_runs').select('id').where('name', '=', 'mail:flush').execute()
    expect(runs).toEqual([])
  })

  it('answers 404 for a task that does not exist or is not scheduled (db:seed)', async () => {
    for (const task of ['nope', 'db:seed', '__proto__', 'constructor']) {
      const res = await tick(server, task, SECRET)
      expect(res.status, task).toBe(404)
    }
  })

  it('runs mail:flush with the secret, by POST or GET, whatever NUXT_SCHEDULER says, and records the run', async () => {
    const subject = unique('Cron tick ')
    await enqueueEmail(db, { to: 'cron@example.test', subject, html: '<p>tick</p>', text: 'tick', kind: 'test', dedupeKey: unique('cron:') })
    const res = await tick(server, 'mail:flush', SECRET)
    expect(res.status).toBe(200)
    expect(res.body.task).toBe('mail:flush')
    expect(res.body.result.sent).toBeGreaterThanOrEqual(1)
    expect(sink.messages.filter(m => m.subject === subject)).toHaveLength(1)

    const viaGet = await tick(server, 'mail:flush', SECRET, 'GET')
    expect(viaGet.status).toBe(200)
    expect(viaGet.body.result.sent).toBe(0)
    const runs = await db.selectFrom('task_runs').select(['name', 'error']).where('name', '=', 'mail:flush').execute()
    expect(runs).toHaveLength(2)
    expect(runs.every(r => r.error === null)).toBe(true)
  })

  it('ticks outbox:prune, which drops the bodies of emails older than the retention period', async () => {
    const res = await tick(server, 'outbox:prune', SECRET)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ task: 'outbox:prune', result: { pruned: expect.any(Number) } })
    expect(Date.parse(res.body.result.before)).toBeLessThan(Date.now() - 29 * 86_400_000)
  })

  it('a tick acts only when its moment has come, unlike a run an admin asks for', async () => {
    // reports:monthly acts once per month: the first tick sends last month's reports, the
    // next finds them done; reminders:daily acts after NUXT_REMINDER_TIME, once a day.
    const first = await tick(server, 'reports:monthly', SECRET)
    expect(first.status).toBe(200)
    const second = await tick(server, 'reports:monthly', SECRET)
    expect(second.status).toBe(200)
    expect(second.body.result).toEqual({ skipped: 'not due yet' })
  })
})
