import { afterAll, describe, expect, it } from 'vitest'
import { materialize } from '../../server/domain/mail'
import type { MailAttachment } from '../../server/domain/mail'
import { renderReport } from '../../server/domain/reporting'
import type { Db } from '../../server/db'
import { utcToZonedLocal, zonedLocalToUtc } from '#shared/time'
import { openServerDb, unique } from '../helpers/fixtures'
import { createApprovedUser, login, useTestServer } from '../helpers/server'
import type { TestServer } from '../helpers/server'

// Scheduled work through the built server: the admin task routes, reminders:daily and
// reports:monthly run on demand, the unsubscribe link without a login, and PATCH
// /api/account. The server runs with NUXT_SCHEDULER=off (tests/helpers/server.ts), so
// nothing runs unless a test asks; the outbox is read from the server's database.

const TZ = 'Asia/Kolkata' // the server's NUXT_DEFAULT_TIMEZONE (default)

let server: TestServer
let db: Db
let adminToken: string
let screeningId: number
let showName: string

function tomorrowInKolkata(): string {
  const today = utcToZonedLocal(new Date().toISOString(), TZ).date
  return new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
}

useTestServer(async (ready) => {
  ({ server, adminToken } = ready)
  db = openServerDb(server)
  const venue = await server.request('POST', '/api/venues', { token: adminToken, body: { name: 'Regal', place: 'Pune', capacity: 100, seatsPerRow: 10 } })
  showName = unique('Night Train ')
  const show = await server.request('POST', '/api/shows', { token: adminToken, body: { name: showName, ticketPrice: 25_000, tags: ['drama'] } })
  const screening = await server.request('POST', '/api/screenings', {
    token: adminToken,
    body: { showId: show.body.id, venueId: venue.body.id, startsAt: zonedLocalToUtc(tomorrowInKolkata(), '20:00', TZ) },
  })
  expect(screening.status).toBe(201)
  screeningId = screening.body.id
})
afterAll(() => db?.destroy())

function runTask(name: string, token = adminToken) {
  return server.request('POST', `/api/admin/tasks/${name}`, { token })
}

/** The user's reminders, nudges and reports (their account and booking emails left out). */
function outboxOf(userId: number) {
  return db.selectFrom('outbox').selectAll().where('user_id', '=', userId).where('kind', 'in', ['reminder', 'nudge', 'report']).orderBy('id').execute()
}

describe('GET /api/admin/tasks and POST /api/admin/tasks/{name}', () => {
  it('are for admins only', async () => {
    const user = await createApprovedUser(server, adminToken)
    expect((await server.request('GET', '/api/admin/tasks')).status).toBe(401)
    expect((await server.request('GET', '/api/admin/tasks', { token: user.token })).status).toBe(403)
    expect((await runTask('reminders:daily', '')).status).toBe(401)
    expect((await runTask('reminders:daily', user.token)).status).toBe(403)
  })

  it('answers 404 for a task that does not exist', async () => {
    expect((await runTask('nope:never')).status).toBe(404)
  })

  it('lists every task with its schedule, and a run with its result once it ran', async () => {
    const run = await runTask('reports:monthly')
    expect(run.status).toBe(200)
    expect(run.body.result).toMatchObject({ month: expect.stringMatching(/^\d{4}-\d{2}$/), reports: expect.any(Number) })

    const res = await server.request('GET', '/api/admin/tasks', { token: adminToken })
    expect(res.status).toBe(200)
    expect(res.body.scheduler).toBe('off')
    const byName = Object.fromEntries(res.body.items.map((t: { name: string }) => [t.name, t]))
    expect(Object.keys(byName)).toEqual(expect.arrayContaining(['mail:flush', 'reminders:daily', 'reports:monthly', 'db:seed']))
    expect(byName['reminders:daily']).toMatchObject({ cron: '*/15 * * * *', schedule: 'Every day at 18:00 (Asia/Kolkata)' })
    expect(byName['reports:monthly'].lastRun).toMatchObject({ result: run.body.result, error: null, finishedAt: expect.any(String) })
  })
})

describe('reminders:daily on demand', () => {
  it('enqueues one reminder per person however often it runs, and the unsubscribe link stops them without a login', async () => {
    const stays = await createApprovedUser(server, adminToken)
    const leaves = await createApprovedUser(server, adminToken)
    for (const user of [stays, leaves]) {
      const booked = await server.request('POST', '/api/bookings', { token: user.token, body: { screeningId, quantity: 2 } })
      expect(booked.status).toBe(201)
    }

    expect((await runTask('reminders:daily')).status).toBe(200)
    const again = await runTask('reminders:daily')
    expect(again.status).toBe(200)
    expect(again.body.result).toMatchObject({ reminders: 0 })
    const [reminder, ...more] = await outboxOf(leaves.id)
    expect(more).toEqual([])
    expect(reminder!.kind).toBe('reminder')
    expect(reminder!.subject).toBe(`Tomorrow: ${showName} at 20:00, Regal`)
    expect(await outboxOf(stays.id)).toHaveLength(1)

    // The link from the email, opened without logging in.
    const header = (JSON.parse(reminder!.headers!) as Record<string, string>)['List-Unsubscribe']!
    const url = new URL(/^<(.+)>$/.exec(header)![1]!)
    expect(url.pathname).toBe('/api/unsubscribe')
    const path = `${url.pathname}${url.search}`
    const info = await server.request('GET', path)
    expect(info.status).toBe(200)
    expect(info.body).toMatchObject({ email: `${leaves.username[0]}•••@example.test`, emailOptIn: true })
    // A mail client's RFC 8058 one-click unsubscribe.
    const oneClick = await server.request('POST', path, { body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    expect(oneClick.status).toBe(200)
    expect(oneClick.body.emailOptIn).toBe(false)
    expect((await server.request('POST', path)).status).toBe(200)

    // The next day (today's emails forgotten), only the one who stayed is reminded.
    await db.deleteFrom('outbox').where('user_id', 'in', [stays.id, leaves.id]).execute()
    const next = await runTask('reminders:daily')
    expect(next.body.result.reminders).toBeGreaterThanOrEqual(1)
    expect(await outboxOf(leaves.id)).toEqual([])
    expect(await outboxOf(stays.id)).toHaveLength(1)
  })

  it('refuses a tampered or missing token with 400', async () => {
    const user = await createApprovedUser(server, adminToken)
    await server.request('POST', '/api/bookings', { token: user.token, body: { screeningId, quantity: 1 } })
    await runTask('reminders:daily')
    const [reminder] = await outboxOf(user.id)
    const token = /token=([^>&]+)/.exec(JSON.parse(reminder!.headers!)['List-Unsubscribe'])![1]!
    const tampered = decodeURIComponent(token).replace(/^(\d+)\./, (_, id) => `${Number(id) + 1}.`)
    expect((await server.request('GET', `/api/unsubscribe?token=${encodeURIComponent(tampered)}`)).status).toBe(400)
    expect((await server.request('POST', `/api/unsubscribe?token=${encodeURIComponent(tampered)}`)).status).toBe(400)
    expect((await server.request('POST', '/api/unsubscribe')).status).toBe(400)
    expect((await db.selectFrom('users').select('email_opt_in').where('id', '=', user.id + 1).executeTakeFirst())?.email_opt_in ?? 1).toBe(1)
  })
})

describe('reports:monthly on demand', () => {
  it('sends last month\'s report with the chart inline and the CSV attached, once', async () => {
    const user = await createApprovedUser(server, adminToken)
    const thisMonth = utcToZonedLocal(new Date().toISOString(), TZ).date.slice(0, 7)
    const [y, m] = thisMonth.split('-').map(Number) as [number, number]
    const lastMonth = new Date(Date.UTC(y, m - 2, 1)).toISOString().slice(0, 7)
    const createdAt = `${lastMonth}-15T06:00:00.000Z`
    await db.insertInto('bookings').values({
      reference: unique('R').slice(0, 16).toUpperCase(), user_id: user.id, screening_id: screeningId, quantity: 3, unit_price: 25_000, total: 75_000,
      status: 'confirmed', seats: 'J1,J2,J3', created_at: createdAt, updated_at: createdAt,
    }).execute()

    const run = await runTask('reports:monthly')
    expect(run.status).toBe(200)
    expect(run.body.result).toMatchObject({ month: lastMonth })
    expect((await runTask('reports:monthly')).body.result).toMatchObject({ reports: 0 })

    const [row, ...more] = await outboxOf(user.id)
    expect(more).toEqual([])
    expect(row!.dedupe_key).toBe(`monthly:${user.id}:${lastMonth}`)
    // Kept as the data it is made from; rendered when read (here, and by the admin's outbox) or sent.
    expect(row!.html).toBe('')
    const report = await materialize(row!, renderReport)
    expect(report.text).toContain('Tickets: 3 (+3 vs')
    expect(report.text).toContain('Spent: ₹750.00')
    const shown = await server.request('GET', `/api/admin/outbox/${row!.id}`, { token: adminToken })
    expect(shown.body.text).toBe(report.text)
    expect(shown.body.attachments.map((a: { filename: string }) => a.filename)).toEqual(['tickets-per-week.png', `ticketshow-${lastMonth}.csv`])
    const attachments: MailAttachment[] = report.attachments
    expect(attachments.map(a => [a.contentType, a.cid ?? null])).toEqual([['image/png', 'tickets-chart'], ['text/csv; charset=utf-8', null]])
    expect(Buffer.from(attachments[1]!.content, 'base64').toString()).toContain(`${showName},Regal,Pune`)
  })
})

describe('PATCH /api/account', () => {
  it('needs a login', async () => {
    expect((await server.request('PATCH', '/api/account', { body: { emailOptIn: false } })).status).toBe(401)
    expect((await server.request('GET', '/api/account')).status).toBe(401)
  })

  it('switches reminder and report emails off and on', async () => {
    const user = await createApprovedUser(server, adminToken)
    const off = await server.request('PATCH', '/api/account', { token: user.token, body: { emailOptIn: false } })
    expect(off.status).toBe(200)
    expect(off.body.user).toMatchObject({ id: user.id, username: user.username, emailOptIn: false })
    expect((await server.request('GET', '/api/account', { token: user.token })).body.user.emailOptIn).toBe(false)
    expect((await server.request('PATCH', '/api/account', { token: user.token, body: { emailOptIn: 'yes' } })).status).toBe(400)
    const on = await server.request('PATCH', '/api/account', { token: user.token, body: { emailOptIn: true } })
    expect(on.body.user.emailOptIn).toBe(true)
  })

  it('changes the email address, refusing an invalid one (400) and one someone else has (409)', async () => {
    const user = await createApprovedUser(server, adminToken)
    const other = await createApprovedUser(server, adminToken)
    const bad = await server.request('PATCH', '/api/account', { token: user.token, body: { email: 'not-an-email' } })
    expect(bad.status).toBe(400)
    expect(bad.body.data.issues[0].path).toEqual(['email'])
    const taken = await server.request('PATCH', '/api/account', { token: user.token, body: { email: `${other.username.toUpperCase()}@example.test` } })
    expect(taken.status).toBe(409)
    const fresh = `${unique('new')}@example.test`
    const ok = await server.request('PATCH', '/api/account', { token: user.token, body: { email: fresh } })
    expect(ok.status).toBe(200)
    expect(ok.body.user.email).toBe(fresh)
    expect((await server.request('GET', '/api/auth/session', { token: user.token })).body.email).toBe(fresh)
  })

  it('changes the password only with the current one', async () => {
    const user = await createApprovedUser(server, adminToken)
    const missing = await server.request('PATCH', '/api/account', { token: user.token, body: { password: 'a-brand-new-password' } })
    expect(missing.status).toBe(400)
    expect(missing.body.data.issues[0].path).toEqual(['currentPassword'])
    const wrong = await server.request('PATCH', '/api/account', { token: user.token, body: { password: 'a-brand-new-password', currentPassword: 'not-my-password' } })
    expect(wrong.status).toBe(400)
    expect(wrong.body.data.issues[0].path).toEqual(['currentPassword'])
    const short = await server.request('PATCH', '/api/account', { token: user.token, body: { password: 'short', currentPassword: user.password } })
    expect(short.status).toBe(400)
    const ok = await server.request('PATCH', '/api/account', { token: user.token, body: { password: 'a-brand-new-password', currentPassword: user.password } })
    expect(ok.status).toBe(200)
    expect((await server.request('POST', '/api/auth/login', { body: { username: user.username, password: user.password } })).status).toBe(401)
    expect((await server.request('POST', '/api/auth/login', { body: { username: user.username, password: 'a-brand-new-password' } })).status).toBe(200)
  })

  it('ends every other session when the password changes, and hands this one a fresh token', async () => {
    const user = await createApprovedUser(server, adminToken)
    const other = await login(server, user.username, user.password)
    const ok = await server.request('PATCH', '/api/account', { token: user.token, body: { password: 'a-brand-new-password', currentPassword: user.password } })
    expect(ok.status).toBe(200)
    expect(ok.body.token).toEqual(expect.any(String))
    for (const stale of [user.token, other])
      expect((await server.request('GET', '/api/auth/session', { token: stale })).status).toBe(401)
    expect((await server.request('GET', '/api/auth/session', { token: ok.body.token })).body.username).toBe(user.username)
    // Other changes leave the sessions alone and carry no token.
    const optOut = await server.request('PATCH', '/api/account', { token: ok.body.token, body: { emailOptIn: false } })
    expect(optOut.body.token).toBeUndefined()
    expect((await server.request('GET', '/api/auth/session', { token: ok.body.token })).status).toBe(200)
  })

  it('refuses an empty change and unknown fields', async () => {
    const user = await createApprovedUser(server, adminToken)
    expect((await server.request('PATCH', '/api/account', { token: user.token, body: {} })).status).toBe(400)
    expect((await server.request('PATCH', '/api/account', { token: user.token, body: { role: 'admin' } })).status).toBe(400)
  })
})
