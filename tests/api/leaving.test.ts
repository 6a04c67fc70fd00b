import { afterAll, describe, expect, it } from 'vitest'
import type { Db } from '../../server/db'
import { openServerDb, unique } from '../helpers/fixtures'
import { ADMIN, createApprovedUser, login, useTestServer } from '../helpers/server'
import type { TestServer } from '../helpers/server'

// People leaving without taking history with them: an admin deleting someone
// (DELETE /api/users/{id}), a member closing their own account (POST /api/account/close),
// and what a member can download of their data (GET /api/account/export).

let server: TestServer
let adminToken: string
let db: Db
useTestServer((ready) => {
  ({ server, adminToken } = ready)
  db = openServerDb(server)
})
afterAll(() => db?.destroy())

type Person = Awaited<ReturnType<typeof createApprovedUser>>

async function screening(seats = 20) {
  const venue = await server.request('POST', '/api/venues', { token: adminToken, body: { name: unique('Hall '), place: 'Pune', capacity: seats, seatsPerRow: 5 } })
  const show = await server.request('POST', '/api/shows', { token: adminToken, body: { name: unique('Leaving '), ticketPrice: 30_000, tags: [] } })
  const s = await server.request('POST', '/api/screenings', { token: adminToken, body: { showId: show.body.id, venueId: venue.body.id, startsAt: new Date(Date.now() + 4 * 86_400_000).toISOString() } })
  expect(s.status).toBe(201)
  return s.body.id as number
}

async function book(who: Person, screeningId: number, quantity = 2) {
  const res = await server.request('POST', '/api/bookings', { token: who.token, body: { screeningId, quantity } })
  expect(res.status).toBe(201)
  return res.body as { id: number, reference: string, total: number }
}

/** Moves a screening into the past, as if it had taken place (no route may do that). */
async function takePlace(screeningId: number) {
  const past = new Date(Date.now() - 2 * 86_400_000)
  await db.updateTable('screenings').set({ starts_at: past.toISOString(), ends_at: new Date(past.getTime() + 7_200_000).toISOString() }).where('id', '=', screeningId).execute()
}

const stats = async () => (await server.request('GET', '/api/admin/stats', { token: adminToken })).body

describe('DELETE /api/users/{id}', () => {
  it('refuses someone with upcoming bookings (409, naming how many) and changes nothing', async () => {
    const person = await createApprovedUser(server, adminToken)
    const id = await screening()
    await book(person, id)
    await book(person, id, 1)
    const res = await server.request('DELETE', `/api/users/${person.id}`, { token: adminToken })
    expect(res.status).toBe(409)
    expect(res.body.data).toEqual({ upcomingBookings: 2 })
    expect(res.body.message).toMatch(/2 upcoming bookings/)
    expect((await server.request('GET', '/api/bookings', { token: person.token })).body.items.map((b: { status: string }) => b.status)).toEqual(['confirmed', 'confirmed'])
    expect((await server.request('GET', `/api/screenings/${id}`)).body.seatsLeft).toBe(17)
  })

  it('with cancelBookings=true cancels them, each with its email, frees the seats and ends the account', async () => {
    const person = await createApprovedUser(server, adminToken)
    const id = await screening()
    const booking = await book(person, id, 3)
    const res = await server.request('DELETE', `/api/users/${person.id}?cancelBookings=true`, { token: adminToken })
    expect(res.status).toBe(204)
    expect((await server.request('GET', `/api/screenings/${id}`)).body.seatsLeft).toBe(20)
    const mail = await db.selectFrom('outbox').select(['id', 'to', 'kind']).where('dedupe_key', '=', `booking-cancelled:${booking.id}`).executeTakeFirstOrThrow()
    expect(mail).toMatchObject({ to: `${person.username}@example.test`.toLowerCase(), kind: 'booking-cancelled' })
    const email = await server.request('GET', `/api/admin/outbox/${mail.id}`, { token: adminToken })
    expect(email.body.text).toMatch(/account has been closed/)
    expect(email.body.text).toContain(booking.reference)
    // Once out (captured here: no SMTP server), it loses the address at the next outbox:prune.
    expect((await server.request('POST', '/api/admin/tasks/mail:flush', { token: adminToken })).status).toBe(200)
    expect((await server.request('POST', '/api/admin/tasks/outbox:prune', { token: adminToken })).body.result.anonymised).toBeGreaterThanOrEqual(1)
    expect((await db.selectFrom('outbox').select('to').where('id', '=', mail.id).executeTakeFirstOrThrow()).to).toBe(`deleted-${person.id}@deleted.invalid`)
    expect((await server.request('GET', '/api/auth/session', { token: person.token })).status).toBe(401)
    expect((await server.request('POST', '/api/auth/login', { body: { username: person.username, password: person.password } })).status).toBe(401)
    // The name and the address are free for someone new.
    const again = await createApprovedUser(server, adminToken, person.username)
    expect(again.id).not.toBe(person.id)
  })

  it('keeps past bookings, anonymised: the dashboard\'s figures are the same after the deletion', async () => {
    const person = await createApprovedUser(server, adminToken)
    const id = await screening()
    const kept = await book(person, id, 4)
    await takePlace(id)
    const before = await stats()
    expect(before.totals.revenue).toBeGreaterThanOrEqual(kept.total)
    expect((await server.request('DELETE', `/api/users/${person.id}`, { token: adminToken })).status).toBe(204)
    expect(await stats()).toEqual(before)
    // Who booked that screening: the booking, its seats and price, and nobody's name.
    const who = await server.request('GET', `/api/screenings/${id}/bookings`, { token: adminToken })
    expect(who.body.items).toHaveLength(1)
    expect(who.body.items[0]).toMatchObject({ reference: kept.reference, total: kept.total, quantity: 4, status: 'confirmed', user: { id: person.id, username: `deleted:${person.id}`, email: `deleted-${person.id}@deleted.invalid` } })
    expect(JSON.stringify(who.body)).not.toContain(person.username)
    // Gone from the user list, and their old emails no longer carry the address.
    const users = await server.request('GET', '/api/users?status=all&pageSize=100', { token: adminToken })
    expect(users.body.items.map((u: { id: number }) => u.id)).not.toContain(person.id)
    const addressed = await db.selectFrom('outbox').select('to').where('user_id', '=', person.id).execute()
    expect(addressed.every(r => r.to === `deleted-${person.id}@deleted.invalid`)).toBe(true)
    expect((await server.request('DELETE', `/api/users/${person.id}`, { token: adminToken })).status).toBe(404)
  })

  it('rejects a registration (nobody with bookings): the person is gone outright', async () => {
    const username = unique('waiting')
    const reg = await server.request('POST', '/api/auth/register', { body: { username, email: `${username}@example.test`, password: 'correct-horse-battery' } })
    expect((await server.request('DELETE', `/api/users/${reg.body.user.id}`, { token: adminToken })).status).toBe(204)
    expect(await db.selectFrom('users').select('id').where('id', '=', reg.body.user.id).execute()).toEqual([])
    expect(await db.selectFrom('outbox').select('id').where('user_id', '=', reg.body.user.id).execute()).toEqual([])
  })

  it('answers 400 for a cancelBookings that is not true or false', async () => {
    const person = await createApprovedUser(server, adminToken)
    expect((await server.request('DELETE', `/api/users/${person.id}?cancelBookings=yes`, { token: adminToken })).status).toBe(400)
    expect((await server.request('GET', '/api/auth/session', { token: person.token })).status).toBe(200)
  })
})

describe('POST /api/account/close', () => {
  it('needs the password (400 on a wrong one) and changes nothing without it', async () => {
    const person = await createApprovedUser(server, adminToken)
    const res = await server.request('POST', '/api/account/close', { token: person.token, body: { password: 'not-my-password' } })
    expect(res.status).toBe(400)
    expect(res.body.data.issues[0].path).toEqual(['password'])
    expect((await server.request('POST', '/api/account/close', { body: { password: person.password } })).status).toBe(401)
    expect((await server.request('GET', '/api/auth/session', { token: person.token })).status).toBe(200)
  })

  it('follows the same rules: 409 with upcoming bookings, then cancels them when asked, and every session ends', async () => {
    const person = await createApprovedUser(server, adminToken)
    const id = await screening()
    await book(person, id, 2)
    const other = await login(server, person.username, person.password)
    const refused = await server.request('POST', '/api/account/close', { token: person.token, body: { password: person.password } })
    expect(refused.status).toBe(409)
    expect(refused.body.data).toEqual({ upcomingBookings: 1 })
    const closed = await server.request('POST', '/api/account/close', { token: person.token, body: { password: person.password, cancelBookings: true } })
    expect(closed.status).toBe(204)
    for (const token of [person.token, other]) expect((await server.request('GET', '/api/auth/session', { token })).status).toBe(401)
    expect((await server.request('GET', `/api/screenings/${id}`)).body.seatsLeft).toBe(20)
    expect((await server.request('POST', '/api/auth/login', { body: { username: person.username, password: person.password } })).status).toBe(401)
  })

  it('refuses the only admin', async () => {
    const res = await server.request('POST', '/api/account/close', { token: adminToken, body: { password: ADMIN.password } })
    expect(res.status).toBe(409)
    expect(res.body.message).toMatch(/only admin/)
    expect((await server.request('GET', '/api/auth/session', { token: adminToken })).status).toBe(200)
  })
})

describe('GET /api/account/export', () => {
  it('downloads, as JSON, the account, every booking and every email, and nobody else\'s', async () => {
    const person = await createApprovedUser(server, adminToken)
    const stranger = await createApprovedUser(server, adminToken)
    const id = await screening()
    const mine = await book(person, id, 2)
    const cancelled = await book(person, id, 1)
    expect((await server.request('DELETE', `/api/bookings/${cancelled.id}`, { token: person.token })).status).toBe(200)
    const theirs = await book(stranger, id, 1)
    const res = await server.request('GET', '/api/account/export', { token: person.token })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="ticketshow-${person.username}.json"`)
    expect(res.body.account).toMatchObject({ id: person.id, username: person.username, email: `${person.username}@example.test`.toLowerCase(), approved: true, emailOptIn: true })
    expect(res.body.bookings.map((b: { reference: string, status: string }) => [b.reference, b.status]).sort()).toEqual([[mine.reference, 'confirmed'], [cancelled.reference, 'cancelled']].sort())
    expect(res.body.emails.map((e: { kind: string }) => e.kind)).toEqual(expect.arrayContaining(['registration', 'approved', 'booking-confirmed', 'booking-cancelled']))
    expect(JSON.stringify(res.body)).not.toContain(theirs.reference)
    expect(JSON.stringify(res.body)).not.toContain(stranger.username)
    expect((await server.request('GET', '/api/account/export')).status).toBe(401)
  })
})
