import { describe, expect, it } from 'vitest'
import { approveUser, createUser, touchLastSeen, unsubscribe } from '../../server/domain/accounts'
import { cancelScreening, createBooking } from '../../server/domain/booking'
import { sendDailyEmails, verifyUnsubscribeToken } from '../../server/domain/mail'
import { createScreening, createShow, createVenue } from '../../server/domain/catalog'
import type { Db } from '../../server/db'
import { unique, useTestDb } from '../helpers/fixtures'

const SECRET = 'reminder-test-secret-reminder-test-secret'
const SITE = 'https://tickets.example.test'
const TZ = 'Asia/Kolkata'
const HOUR = 3_600_000

let db: Db
useTestDb(made => (db = made))

async function member(opts: { optIn?: boolean, lastSeen?: Date | null, role?: 'user' | 'admin' } = {}) {
  const username = unique()
  const user = await createUser(db, { username, email: `${username}@example.test`, password: 'correct-horse-battery', emailOptIn: opts.optIn ?? true, role: opts.role }, new Date('2030-01-01T00:00:00Z'))
  await approveUser(db, user.id, new Date('2030-01-02T00:00:00Z'))
  await db.updateTable('users').set({ last_seen_at: opts.lastSeen === undefined ? null : opts.lastSeen?.toISOString() ?? null }).where('id', '=', user.id).execute()
  return user
}

async function emailsOf(userId: number) {
  return db.selectFrom('outbox').selectAll().where('user_id', '=', userId).orderBy('id').execute()
}

function run(now: Date) {
  return sendDailyEmails(db, { now, timezone: TZ, siteUrl: SITE, secret: SECRET, batchSize: 2 })
}

/** A world in which "today" is `today` (18:30 in Kolkata) with screenings around tomorrow. */
async function world(today: string) {
  const now = new Date(`${today}T13:00:00.000Z`) // 18:30 IST
  const created = new Date(now.getTime() - 48 * HOUR)
  const [y, m, d] = today.split('-').map(Number) as [number, number, number]
  const tomorrow = new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10)
  const dayAfter = new Date(Date.UTC(y, m - 1, d + 2)).toISOString().slice(0, 10)
  const pune = await createVenue(db, { name: unique('Regal '), place: unique('Pune'), capacity: 100, seatsPerRow: 10 }, TZ, created)
  const london = await createVenue(db, { name: unique('Prince '), place: 'London', capacity: 100, seatsPerRow: 10, timezone: 'Europe/London' }, TZ, created)
  const show = await createShow(db, { name: unique('Night Train '), ticketPrice: 25_000, tags: ['drama'] }, created)
  const screening = (venueId: number, startsAt: string) => createScreening(db, { showId: show.id, venueId, startsAt }, created)
  return {
    now,
    created,
    pune,
    london,
    show,
    // 20:00 in Pune tomorrow
    tomorrowPune: await screening(pune.id, `${tomorrow}T14:30:00.000Z`),
    // 21:30 (22:30 in summer) in London tomorrow, after midnight in Kolkata: tomorrow at its venue
    tomorrowLondon: await screening(london.id, `${tomorrow}T21:30:00.000Z`),
    // 01:30 in Pune the day after tomorrow (still "tomorrow" in UTC): not tomorrow at its venue
    dayAfterPune: await screening(pune.id, `${tomorrow}T20:00:00.000Z`),
    later: await screening(pune.id, `${dayAfter}T14:30:00.000Z`),
  }
}

describe('sendDailyEmails', () => {
  it('reminds an opted-in member of tomorrow\'s show with the venue\'s time, the venue and the seats, once however often it runs', async () => {
    const w = await world('2031-03-10')
    const alice = await member()
    const booking = await createBooking(db, alice.id, { screeningId: w.tomorrowPune.id, seats: ['C8', 'C7'] }, w.created)

    const first = await run(w.now)
    const second = await run(new Date(w.now.getTime() + HOUR))

    const mails = await emailsOf(alice.id)
    expect(mails).toHaveLength(1)
    const mail = mails[0]!
    expect(first.reminders).toBeGreaterThanOrEqual(1)
    expect(second.reminders).toBe(0)
    expect(mail.kind).toBe('reminder')
    expect(mail.to).toBe(alice.email)
    expect(mail.dedupe_key).toBe(`daily:${alice.id}:2031-03-10`)
    expect(mail.subject).toBe(`Tomorrow: ${w.show.name} at 20:00, ${w.pune.name}`)
    expect(mail.text).toContain('When: Tue 11 Mar, 20:00 (Asia/Kolkata)')
    expect(mail.text).toContain(`Venue: ${w.pune.name}, ${w.pune.place}`)
    expect(mail.text).toContain('Seats: C7, C8')
    expect(mail.text).toContain(`${SITE}/bookings/${booking.id}`)
    expect(mail.html).toContain(`${SITE}/bookings/${booking.id}`)
  })

  it('counts a screening as tomorrow by the date at its own venue', async () => {
    const w = await world('2031-04-10')
    const inLondon = await member()
    const lateInPune = await member({ lastSeen: w.now })
    await createBooking(db, inLondon.id, { screeningId: w.tomorrowLondon.id, quantity: 1 }, w.created)
    await createBooking(db, lateInPune.id, { screeningId: w.dayAfterPune.id, quantity: 1 }, w.created)

    await run(w.now)

    const [london] = await emailsOf(inLondon.id)
    expect(london?.kind).toBe('reminder')
    expect(london?.text).toContain('When: Fri 11 Apr, 22:30 (Europe/London)')
    expect(await emailsOf(lateInPune.id)).toEqual([])
  })

  it('sends one email listing every booking of tomorrow, and none for a cancelled screening', async () => {
    const w = await world('2031-05-10')
    const both = await member()
    const cancelled = await member({ lastSeen: w.now })
    await createBooking(db, both.id, { screeningId: w.tomorrowPune.id, quantity: 2 }, w.created)
    await createBooking(db, both.id, { screeningId: w.tomorrowLondon.id, quantity: 1 }, w.created)
    await createBooking(db, cancelled.id, { screeningId: w.later.id, quantity: 1 }, w.created)
    const doomed = await createScreening(db, { showId: w.show.id, venueId: w.pune.id, startsAt: '2031-05-11T08:00:00.000Z' }, w.created)
    await createBooking(db, cancelled.id, { screeningId: doomed.id, quantity: 1 }, w.created)
    await cancelScreening(db, doomed.id, w.created)

    await run(w.now)

    const mails = await emailsOf(both.id)
    expect(mails).toHaveLength(1)
    expect(mails[0]!.subject).toBe('Tomorrow: your 2 shows')
    expect(mails[0]!.text).toContain(w.pune.name)
    expect(mails[0]!.text).toContain(w.london.name)
    expect(await emailsOf(cancelled.id)).toEqual([])
  })

  it('leaves out people who opted out or were unsubscribed, and carries a working List-Unsubscribe', async () => {
    const w = await world('2031-06-10')
    const optedOut = await member({ optIn: false })
    const leaving = await member()
    await createBooking(db, optedOut.id, { screeningId: w.tomorrowPune.id, quantity: 1 }, w.created)
    await createBooking(db, leaving.id, { screeningId: w.tomorrowPune.id, quantity: 1 }, w.created)

    await run(w.now)
    expect(await emailsOf(optedOut.id)).toEqual([])
    const [mail] = await emailsOf(leaving.id)
    const headers = JSON.parse(mail!.headers!) as Record<string, string>
    expect(headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click')
    const match = /^<(https:\/\/tickets\.example\.test\/api\/unsubscribe\?token=([^>]+))>$/.exec(headers['List-Unsubscribe']!)
    expect(match).not.toBeNull()
    const token = decodeURIComponent(match![2]!)
    expect(verifyUnsubscribeToken(SECRET, token)).toBe(leaving.id)
    expect(mail!.html).toContain(`${SITE}/unsubscribe?token=`)

    await unsubscribe(db, verifyUnsubscribeToken(SECRET, token)!)
    const next = await run(new Date(w.now.getTime() + 24 * HOUR))
    expect(next.date).toBe('2031-06-11')
    expect(await emailsOf(leaving.id)).toHaveLength(1)
  })

  it('nudges opted-in members who have not visited for a day with shows in their city, at most once a week', async () => {
    const w = await world('2031-07-10')
    const away = await member({ lastSeen: new Date(w.now.getTime() - 30 * HOUR) })
    const recent = await member({ lastSeen: new Date(w.now.getTime() - 2 * HOUR) })
    const awayOptedOut = await member({ optIn: false, lastSeen: null })
    const admin = await member({ role: 'admin', lastSeen: null })
    // away booked in Pune before: the nudge lists Pune's shows
    const far = await createScreening(db, { showId: w.show.id, venueId: w.pune.id, startsAt: '2031-07-16T14:30:00.000Z' }, w.created)
    await createBooking(db, away.id, { screeningId: far.id, quantity: 1 }, w.created)

    await run(w.now)

    const [nudge] = await emailsOf(away.id)
    expect(nudge?.kind).toBe('nudge')
    expect(nudge?.subject).toContain(`in ${w.pune.place}`)
    expect(nudge?.text).toContain(w.show.name)
    expect(nudge?.text).toContain(`${w.pune.name}, ${w.pune.place}`)
    expect(await emailsOf(recent.id)).toEqual([])
    expect(await emailsOf(awayOptedOut.id)).toEqual([])
    expect(await emailsOf(admin.id)).toEqual([])

    // Still away the next day: no second nudge within a week.
    await run(new Date(w.now.getTime() + 24 * HOUR))
    expect(await emailsOf(away.id)).toHaveLength(1)
  })

  it('gives the reminder, not the nudge, to an inactive member with a show tomorrow', async () => {
    const w = await world('2031-08-10')
    const user = await member({ lastSeen: null })
    await createBooking(db, user.id, { screeningId: w.tomorrowPune.id, quantity: 1 }, w.created)
    await run(w.now)
    const mails = await emailsOf(user.id)
    expect(mails.map(m => m.kind)).toEqual(['reminder'])
  })
})

describe('touchLastSeen', () => {
  it('notes a visit at most once every ten minutes per user, even from a stale user row', async () => {
    const user = await member()
    const lastSeen = async () => (await db.selectFrom('users').select('last_seen_at').where('id', '=', user.id).executeTakeFirstOrThrow()).last_seen_at
    const t0 = new Date('2031-09-01T10:00:00.000Z')
    await touchLastSeen(db, { id: user.id, last_seen_at: null }, t0)
    expect(await lastSeen()).toBe(t0.toISOString())
    // the row the request loaded still says "never": memory says "just now"
    await touchLastSeen(db, { id: user.id, last_seen_at: null }, new Date(t0.getTime() + 5 * 60_000))
    expect(await lastSeen()).toBe(t0.toISOString())
    const later = new Date(t0.getTime() + 11 * 60_000)
    await touchLastSeen(db, { id: user.id, last_seen_at: t0.toISOString() }, later)
    expect(await lastSeen()).toBe(later.toISOString())
  })
})
