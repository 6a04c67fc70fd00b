import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN, createApprovedUser, login, startServer, useTestServer } from '../helpers/server'
import type { TestServer } from '../helpers/server'
import { TEST_DATABASE_URL, createPgDatabase } from '../helpers/pg'
import { unique } from '../helpers/fixtures'

// Check-in at the door (issue 15), on SQLite and (with TEST_DATABASE_URL) PostgreSQL: the
// staff role, the signed ticket code, letting a ticket in once however many doors scan it.

type Member = Awaited<ReturnType<typeof createApprovedUser>>

let server: TestServer
let adminToken: string
let adminId: number
let staff: Member
let member: Member

/** A timezone where it is still early enough today for a screening in half an hour to be today. */
function zoneWithTimeLeftToday(): string {
  const zones = ['UTC', 'Asia/Kolkata', 'America/New_York', 'Asia/Tokyo', 'America/Los_Angeles', 'Europe/Berlin', 'Pacific/Auckland']
  const hour = (tz: string) => Number(new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', hourCycle: 'h23' }).format(new Date()))
  return zones.find(tz => hour(tz) >= 1 && hour(tz) < 20)!
}

/** A screening (today by default, in its own venue) and a member's booking of `quantity` seats for it. */
async function bookScreening(s: TestServer, admin: string, who: Member, opts: { startsAt?: string, quantity?: number } = {}) {
  const venue = (await s.request('POST', '/api/venues', { token: admin, body: { name: `Door ${unique()}`, place: 'Pune', capacity: 20, seatsPerRow: 10, timezone: zoneWithTimeLeftToday() } })).body
  const show = (await s.request('POST', '/api/shows', { token: admin, body: { name: `Door show ${unique()}`, tags: [], ticketPrice: 10000 } })).body
  const startsAt = opts.startsAt ?? new Date(Date.now() + 30 * 60_000).toISOString()
  const screening = (await s.request('POST', '/api/screenings', { token: admin, body: { showId: show.id, venueId: venue.id, startsAt } })).body
  if (!screening.id) throw new Error(`screening: ${JSON.stringify(screening)}`)
  const booking = await s.request('POST', '/api/bookings', { token: who.token, body: { screeningId: screening.id, quantity: opts.quantity ?? 2 } })
  if (booking.status !== 201) throw new Error(`booking: ${booking.status} ${JSON.stringify(booking.body)}`)
  return { show, venue, screening, booking: booking.body }
}

async function makeStaff(s: TestServer, admin: string): Promise<Member> {
  const user = await createApprovedUser(s, admin)
  const res = await s.request('PATCH', `/api/users/${user.id}`, { token: admin, body: { role: 'staff' } })
  if (res.status !== 200) throw new Error(`role: ${res.status}`)
  return user
}

const checkIn = (body: unknown, token = staff.token, s = server) => s.request('POST', '/api/checkin', { token, body })

useTestServer(async (ready) => {
  ({ server, adminToken } = ready)
  member = ready.member
  adminId = (await server.request('GET', '/api/auth/session', { token: adminToken })).body.id
  staff = await makeStaff(server, adminToken)
})

describe('PATCH /api/users/{id}', () => {
  it('lets an admin make someone door staff, and back', async () => {
    const user = await createApprovedUser(server, adminToken)
    const res = await server.request('PATCH', `/api/users/${user.id}`, { token: adminToken, body: { role: 'staff' } })
    expect(res.status).toBe(200)
    expect(res.body.user).toMatchObject({ id: user.id, role: 'staff' })
    expect((await server.request('GET', '/api/auth/session', { token: user.token })).body.role).toBe('staff')
    expect((await server.request('PATCH', `/api/users/${user.id}`, { token: adminToken, body: { role: 'user' } })).body.user.role).toBe('user')
  })

  it('refuses an admin their own role, a bad role, an unknown user and anyone not an admin', async () => {
    const self = await server.request('PATCH', `/api/users/${adminId}`, { token: adminToken, body: { role: 'user' } })
    expect(self.status).toBe(403)
    expect(self.body.message).toMatch(/own role/)
    expect((await server.request('PATCH', `/api/users/${member.id}`, { token: adminToken, body: { role: 'root' } })).status).toBe(400)
    expect((await server.request('PATCH', '/api/users/999999', { token: adminToken, body: { role: 'staff' } })).status).toBe(404)
    expect((await server.request('PATCH', `/api/users/${member.id}`, { token: member.token, body: { role: 'admin' } })).status).toBe(403)
    expect((await server.request('PATCH', `/api/users/${member.id}`, { token: staff.token, body: { role: 'admin' } })).status).toBe(403)
  })

  it('keeps door staff out of the admin routes', async () => {
    expect((await server.request('GET', '/api/users', { token: staff.token })).status).toBe(403)
    expect((await server.request('GET', '/api/admin/stats', { token: staff.token })).status).toBe(403)
  })
})

describe('ticketCode', () => {
  it('is in the owner\'s booking and list, signed and not the bare reference, and in nobody else\'s view', async () => {
    const { booking, screening } = await bookScreening(server, adminToken, member)
    expect(booking.ticketCode).toMatch(/^TS1\.\d+\.[\w-]{22}$/)
    expect(booking.ticketCode).not.toContain(booking.reference)
    const own = await server.request('GET', `/api/bookings/${booking.id}`, { token: member.token })
    expect(own.body.ticketCode).toBe(booking.ticketCode)
    const list = await server.request('GET', '/api/bookings', { token: member.token })
    expect(list.body.items.find((b: { id: number }) => b.id === booking.id).ticketCode).toBe(booking.ticketCode)
    const admin = await server.request('GET', `/api/screenings/${screening.id}/bookings`, { token: adminToken })
    expect(JSON.stringify(admin.body)).not.toContain(booking.ticketCode)
    const other = await createApprovedUser(server, adminToken)
    expect((await server.request('GET', `/api/bookings/${booking.id}`, { token: other.token })).status).toBe(404)
  })
})

describe('POST /api/checkin', () => {
  it('lets a ticket in once; a second scan says when and by whom', async () => {
    const { booking, show } = await bookScreening(server, adminToken, member)
    const first = await checkIn({ code: booking.ticketCode })
    expect(first.status).toBe(200)
    expect(first.body).toMatchObject({ booking: { id: booking.id, reference: booking.reference, screening: { show: { name: show.name } } }, seats: booking.seats })
    expect(Date.parse(first.body.checkedInAt)).toBeGreaterThan(Date.now() - 60_000)
    const second = await checkIn({ code: booking.ticketCode })
    expect(second.status).toBe(409)
    expect(second.body.data).toMatchObject({ checkedInAt: first.body.checkedInAt, checkedInBy: staff.username })
    expect(second.body.message).toMatch(/Already checked in at \d\d:\d\d by/)
  })

  it('answers 404 to a forged code (one character changed) and to codes that are not tickets', async () => {
    const { booking } = await bookScreening(server, adminToken, member)
    const code: string = booking.ticketCode
    for (const i of [code.length - 1, code.length - 5]) {
      const forged = code.slice(0, i) + (code[i] === 'A' ? 'B' : 'A') + code.slice(i + 1)
      expect((await checkIn({ code: forged })).status).toBe(404)
    }
    expect((await checkIn({ code: booking.reference })).status).toBe(404)
    expect((await checkIn({ code: 'TS1.999999.AAAAAAAAAAAAAAAAAAAAAA' })).status).toBe(404)
    expect((await checkIn({ code: '' })).status).toBe(400)
    expect((await checkIn({ code: booking.ticketCode })).status).toBe(200)
  })

  it('lets staff type the reference in by hand, with the same answers', async () => {
    const { booking } = await bookScreening(server, adminToken, member)
    expect((await checkIn({ reference: booking.reference.toLowerCase() })).status).toBe(200)
    expect((await checkIn({ reference: booking.reference })).status).toBe(409)
    expect((await checkIn({ reference: 'NOSUCHREF' })).status).toBe(404)
  })

  it('answers 410 for a cancelled booking and 422 for another day\'s screening', async () => {
    const cancelled = await bookScreening(server, adminToken, member)
    expect((await server.request('DELETE', `/api/bookings/${cancelled.booking.id}`, { token: member.token })).status).toBe(200)
    expect((await checkIn({ code: cancelled.booking.ticketCode })).status).toBe(410)
    const later = await bookScreening(server, adminToken, member, { startsAt: new Date(Date.now() + 3 * 86_400_000).toISOString() })
    const wrongDay = await checkIn({ code: later.booking.ticketCode })
    expect(wrongDay.status).toBe(422)
    expect(wrongDay.body.message).toMatch(/Wrong day/)
  })

  it('is for door staff and admins only', async () => {
    const { booking } = await bookScreening(server, adminToken, member)
    expect((await server.request('POST', '/api/checkin', { body: { code: booking.ticketCode } })).status).toBe(401)
    expect((await checkIn({ code: booking.ticketCode }, member.token)).status).toBe(403)
    expect((await checkIn({ code: booking.ticketCode }, adminToken)).status).toBe(200)
  })

  it('admits exactly one of ten simultaneous scans of one ticket', async () => {
    const { booking } = await bookScreening(server, adminToken, member)
    const other = await makeStaff(server, adminToken)
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => checkIn({ code: booking.ticketCode }, i % 2 ? staff.token : other.token)))
    expect(answers.map(r => r.status).sort()).toEqual([200, ...Array(9).fill(409)])
  })
})

describe('GET /api/checkin/screenings', () => {
  it('counts today\'s seats expected and let in, for staff only', async () => {
    const { booking, screening } = await bookScreening(server, adminToken, member, { quantity: 3 })
    const count = async () => (await server.request('GET', '/api/checkin/screenings', { token: staff.token })).body.items.find((s: { id: number }) => s.id === screening.id)
    expect(await count()).toMatchObject({ expected: 3, checkedIn: 0 })
    await checkIn({ code: booking.ticketCode })
    expect(await count()).toMatchObject({ expected: 3, checkedIn: 3 })
    expect((await server.request('GET', '/api/checkin/screenings', { token: member.token })).status).toBe(403)
    expect((await server.request('GET', '/api/checkin/screenings')).status).toBe(401)
  })
})

describe.runIf(TEST_DATABASE_URL)('two instances sharing PostgreSQL', () => {
  let a: TestServer
  let b: TestServer
  let drop: () => Promise<void>
  beforeAll(async () => {
    const pg = await createPgDatabase()
    drop = pg.drop
    const env = { NUXT_AUTH_SECRET: 'checkin-two-doors-secret-0123456789abcdef' }
    a = await startServer({ databaseUrl: pg.url, env })
    b = await startServer({ databaseUrl: pg.url, env })
  })
  afterAll(async () => {
    await a?.stop()
    await b?.stop()
    await drop?.()
  })

  it('admits exactly one of ten scans at two doors served by different instances', async () => {
    const admin = await login(a, ADMIN.username, ADMIN.password)
    const who = await createApprovedUser(a, admin)
    const door = await makeStaff(a, admin)
    const { booking } = await bookScreening(a, admin, who)
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => checkIn({ code: booking.ticketCode }, door.token, i % 2 ? a : b)))
    expect(answers.map(r => r.status).sort()).toEqual([200, ...Array(9).fill(409)])
  })
})
