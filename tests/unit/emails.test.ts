import { describe, expect, it } from 'vitest'
import { approveUser, createUser } from '../../server/domain/accounts'
import { cancelBooking, cancelScreening, changeBooking, createBooking } from '../../server/domain/booking'
import type { MailAttachment } from '../../server/domain/mail'
import { materialize } from '../../server/domain/mail'
import { createScreening, createShow, createVenue } from '../../server/domain/catalog'
import type { Db } from '../../server/db'
import { rejection, unique, useTestDb } from '../helpers/fixtures'

// The transactional emails are written to the outbox in the same transaction as what
// caused them: a committed booking always has its email, a refused one never does.

const NOW = new Date('2031-03-01T12:00:00.000Z')
const CTX = { siteUrl: 'https://tickets.example/', currency: 'INR' }

let db: Db
useTestDb(made => (db = made))

async function screening(capacity = 20) {
  const venue = await createVenue(db, { name: unique('Hall '), place: 'Pune', capacity, seatsPerRow: 10, timezone: 'Asia/Kolkata' }, 'Asia/Kolkata', NOW)
  const show = await createShow(db, { name: unique('Show '), tags: [], ticketPrice: 700, durationMinutes: 90 }, NOW)
  // 2031-03-02 13:00 UTC is 18:30 in Kolkata.
  const s = await createScreening(db, { showId: show.id, venueId: venue.id, startsAt: '2031-03-02T13:00:00.000Z', price: 25_050 }, NOW)
  return { ...s, venue, show }
}

async function user() {
  const name = unique()
  const u = await createUser(db, { username: name, email: `${name}@example.test`, password: 'correct-horse-battery' }, NOW)
  await approveUser(db, u.id, NOW)
  return u
}

/** The user's outbox rows as they will be sent (booking emails are rendered from their data when sent). */
async function outboxOf(userId: number) {
  const rows = await db.selectFrom('outbox').selectAll().where('user_id', '=', userId).orderBy('id').execute()
  return Promise.all(rows.map(async (row) => {
    const email = await materialize(row)
    return { ...row, html: email.html, text: email.text, attachments: email.attachments.length ? JSON.stringify(email.attachments) : null }
  }))
}

describe('booking emails', () => {
  it('puts the confirmation, with the .ics invite, in the outbox with the booking: venue time, configured currency, site links', async () => {
    const s = await screening()
    const u = await user()
    const b = await createBooking(db, u.id, { screeningId: s.id, quantity: 2 }, NOW, { to: 'asha@example.test', ctx: CTX })
    const [row] = (await outboxOf(u.id)).filter(r => r.kind === 'booking-confirmed')
    expect(row).toMatchObject({ to: 'asha@example.test', dedupe_key: `booking-confirmed:${b.id}`, status: 'pending' })
    expect(row!.subject).toBe(`Booking confirmed: ${s.show.name}, Sun 2 Mar 2031, 18:30`)
    for (const body of [row!.html, row!.text]) {
      expect(body).toContain(b.reference)
      expect(body).toContain(b.seats.join(', '))
      expect(body).toContain('₹501.00')
      expect(body).toContain(s.venue.name)
      expect(body).toContain(`https://tickets.example/bookings/${b.id}`)
    }
    const [ics] = JSON.parse(row!.attachments!) as MailAttachment[]
    expect(ics).toMatchObject({ filename: `ticketshow-${b.reference}.ics`, contentType: expect.stringMatching(/^text\/calendar/) })
    const text = Buffer.from(ics!.content, 'base64').toString()
    expect(text).toContain('DTSTART:20310302T130000Z')
    expect(text).toContain(`UID:booking-${b.reference}@ticketshow`)
  })

  it('writes no email for a booking that is refused and rolled back', async () => {
    const s = await screening(10)
    const u = await user()
    await expect(createBooking(db, u.id, { screeningId: s.id, quantity: 10 }, NOW, { to: 'a@example.test', ctx: CTX })).resolves.toBeDefined()
    const other = await user()
    expect(await rejection(createBooking(db, other.id, { screeningId: s.id, quantity: 1 }, NOW, { to: 'b@example.test', ctx: CTX }))).toMatchObject({ statusCode: 409 })
    expect((await outboxOf(other.id)).filter(r => r.kind.startsWith('booking'))).toEqual([])
  })

  it('numbers each change as its own email, and sends none for a change that changes nothing', async () => {
    const s = await screening()
    const u = await user()
    const notify = { to: 'ravi@example.test', ctx: CTX }
    const b = await createBooking(db, u.id, { screeningId: s.id, quantity: 2 }, NOW, notify)
    await changeBooking(db, u.id, b.id, { quantity: 3 }, NOW, notify)
    await changeBooking(db, u.id, b.id, { quantity: 3 }, NOW, notify)
    const changed = await changeBooking(db, u.id, b.id, { seats: ['A1'] }, NOW, notify)
    const rows = (await outboxOf(u.id)).filter(r => r.kind === 'booking-changed')
    expect(rows.map(r => r.dedupe_key)).toEqual([`booking-changed:${b.id}:1`, `booking-changed:${b.id}:2`])
    expect(rows[1]!.text).toContain('Seats: A1')
    expect(rows[1]!.text).toContain(`Total: ₹250.50`)
    expect(changed!.seats).toEqual(['A1'])
    expect(Buffer.from((JSON.parse(rows[1]!.attachments!) as MailAttachment[])[0]!.content, 'base64').toString()).toContain('SEQUENCE:2')
  })

  it('tells the owner once when they cancel, however often they call it', async () => {
    const s = await screening()
    const u = await user()
    const notify = { to: 'meera@example.test', ctx: CTX }
    const b = await createBooking(db, u.id, { screeningId: s.id, quantity: 1 }, NOW, notify)
    await cancelBooking(db, u.id, b.id, NOW, notify)
    await cancelBooking(db, u.id, b.id, NOW, notify)
    const rows = (await outboxOf(u.id)).filter(r => r.kind === 'booking-cancelled')
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ to: 'meera@example.test', dedupe_key: `booking-cancelled:${b.id}` })
    expect(rows[0]!.subject).toMatch(/^Booking cancelled: /)
    expect(rows[0]!.text).toContain('You cancelled booking')
  })

  it('tells every booker when an admin cancels the screening, at their account address', async () => {
    const s = await screening()
    const [a, b] = [await user(), await user()]
    const ba = await createBooking(db, a.id, { screeningId: s.id, quantity: 1 }, NOW)
    const bb = await createBooking(db, b.id, { screeningId: s.id, quantity: 2 }, NOW)
    const cancelledFirst = await createBooking(db, b.id, { screeningId: s.id, quantity: 1 }, NOW)
    await cancelBooking(db, b.id, cancelledFirst.id, NOW)
    await cancelScreening(db, s.id, NOW, CTX)
    const rows = await db.selectFrom('outbox').selectAll().where('kind', '=', 'booking-cancelled').where('user_id', 'in', [a.id, b.id]).orderBy('id').execute()
    expect(rows.map(r => [r.to, r.dedupe_key])).toEqual([[a.email, `booking-cancelled:${ba.id}`], [b.email, `booking-cancelled:${bb.id}`]])
    expect(rows[0]!.subject).toBe(`Screening cancelled: ${s.show.name}, Sun 2 Mar 2031, 18:30`)
    expect(rows[0]!.text).toContain('has been cancelled')
    expect(rows[0]!.text).toContain(`https://tickets.example/shows/${s.show.id}`)
  })
})

describe('account emails', () => {
  it('welcomes a new user and tells them once when they are approved; an admin created at start gets none', async () => {
    const name = unique()
    const u = await createUser(db, { username: name, email: `${name}@example.test`, password: 'correct-horse-battery' }, NOW, CTX)
    let rows = await outboxOf(u.id)
    expect(rows.map(r => [r.kind, r.to, r.dedupe_key])).toEqual([['registration', u.email, `registration:${u.id}`]])
    expect(rows[0]!.text).toContain('approve')
    await approveUser(db, u.id, NOW, CTX)
    await approveUser(db, u.id, NOW, CTX)
    rows = await outboxOf(u.id)
    expect(rows.map(r => r.dedupe_key)).toEqual([`registration:${u.id}`, `approved:${u.id}`])
    expect(rows[1]!.subject).toBe('Your TicketShow account is approved')
    expect(rows[1]!.text).toContain('https://tickets.example/login')

    const admin = await createUser(db, { username: unique('admin'), email: `${unique()}@example.test`, password: 'correct-horse-battery', role: 'admin' }, NOW, CTX)
    expect(await outboxOf(admin.id)).toEqual([])
  })

  it('writes no welcome email for a registration refused as taken', async () => {
    const name = unique()
    await createUser(db, { username: name, email: `${name}@example.test`, password: 'correct-horse-battery' }, NOW, CTX)
    expect(await rejection(createUser(db, { username: unique(), email: `${name}@example.test`, password: 'correct-horse-battery' }, NOW, CTX))).toMatchObject({ statusCode: 409 })
    expect(await db.selectFrom('outbox').select('to').where('to', '=', `${name}@example.test`).execute()).toHaveLength(1)
  })
})
