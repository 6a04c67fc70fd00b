import type { Db } from '../../db'
import { writeTransaction } from '../../db/write'
import { utcToZonedLocal } from '#shared/time'
import { nextDate, venueDateTime, venueTime } from '#shared/format'
import type { OutgoingEmail } from './message'
import { enqueueEmail } from './outbox'
import { stoppableEmail } from './unsubscribe-links'

// reminders:daily. Each evening (NUXT_REMINDER_TIME in NUXT_DEFAULT_TIMEZONE) people who
// opted in get one email at most:
// - "your show tomorrow" when they hold a confirmed booking for a screening (not cancelled)
//   whose local_date, the date in its venue's timezone, is tomorrow's date in the schedule's
//   timezone;
// - otherwise, when they have not been seen for a day (last_seen_at older than 24 h, or
//   never), a short nudge with a few upcoming shows in the cities where they booked before
//   (anywhere, if they never booked). Only approved members get nudges, not admins, and at
//   most one a week, so someone who stopped coming is not mailed every single day.
// The dedupe key daily:{userId}:{today} makes a second run (or a second instance) a no-op,
// and the reminder wins over the nudge because it is decided first in the same pass.

const DAY_MS = 24 * 3600 * 1000
const NUDGE_EVERY_MS = 7 * DAY_MS
const NUDGE_SHOWS = 3
const UPCOMING_DAYS = 7

export interface DailyOptions {
  now: Date
  /** the schedule's timezone: its date decides "today" and "tomorrow" */
  timezone: string
  siteUrl: string
  secret: string
  batchSize?: number
}

export interface DailyResult {
  date: string
  tomorrow: string
  users: number
  reminders: number
  nudges: number
}

interface ReminderBooking {
  id: number
  user_id: number
  reference: string
  seats: string
  quantity: number
  starts_at: string
  show_name: string
  venue_name: string
  place: string
  timezone: string
}

interface UpcomingShow {
  showId: number
  name: string
  place: string
  venue: string
  startsAt: string
  timezone: string
}

/** The reminder for one person's bookings tomorrow (one email however many bookings). */
function reminderEmail(user: { id: number, email: string }, bookings: ReminderBooking[], opts: { siteUrl: string, secret: string, date: string }): OutgoingEmail {
  const site = opts.siteUrl.replace(/\/+$/, '')
  const first = bookings[0]!
  const subject = bookings.length === 1
    ? `Tomorrow: ${first.show_name} at ${venueTime(first.starts_at, first.timezone)}, ${first.venue_name}`
    : `Tomorrow: your ${bookings.length} shows`
  const blocks = bookings.flatMap(b => [
    ...(bookings.length > 1 ? [{ type: 'heading' as const, text: b.show_name }] : []),
    {
      type: 'details' as const,
      rows: [
        ['Show', b.show_name],
        ['When', `${venueDateTime(b.starts_at, b.timezone)} (${b.timezone})`],
        ['Venue', `${b.venue_name}, ${b.place}`],
        [b.quantity === 1 ? 'Seat' : 'Seats', b.seats ? b.seats.split(',').join(', ') : String(b.quantity)],
        ['Booking', b.reference],
      ] as Array<[string, string]>,
    },
    { type: 'button' as const, label: bookings.length > 1 ? `Open booking ${b.reference}` : 'Open your booking', url: `${site}/bookings/${b.id}` },
  ])
  return stoppableEmail(user, {
    subject,
    preheader: `${first.show_name}, ${venueDateTime(first.starts_at, first.timezone)} at ${first.venue_name}. Your tickets are in your booking.`,
    heading: bookings.length === 1 ? 'Your show is tomorrow' : 'Your shows are tomorrow',
    blocks: [
      { type: 'paragraph', text: 'A quick reminder, so nothing gets in the way. Show the booking (or its QR code) at the entrance.' },
      ...blocks,
    ],
  }, { ...opts, kind: 'reminder', dedupeKey: `daily:${user.id}:${opts.date}` })
}

/** The nudge: a few shows coming up where the person goes to the movies. */
function nudgeEmail(user: { id: number, email: string, username: string }, shows: UpcomingShow[], opts: { siteUrl: string, secret: string, date: string }): OutgoingEmail {
  const site = opts.siteUrl.replace(/\/+$/, '')
  const cities = [...new Set(shows.map(s => s.place))]
  const where = cities.length === 1 ? ` in ${cities[0]}` : ''
  return stoppableEmail(user, {
    subject: `On this week${where}: ${shows.map(s => s.name).join(', ')}`.slice(0, 200),
    preheader: `${shows[0]!.name} and more, with seats still free.`,
    heading: `Hi ${user.username}, here is what is on${where}`,
    blocks: [
      { type: 'paragraph', text: 'A few shows coming up this week that still have seats:' },
      { type: 'list', items: shows.map(s => `${s.name}: ${venueDateTime(s.startsAt, s.timezone)} at ${s.venue}, ${s.place}`) },
      { type: 'button', label: 'See what is on', url: cities.length === 1 ? `${site}/?city=${encodeURIComponent(cities[0]!)}` : `${site}/` },
    ],
  }, { ...opts, kind: 'nudge', dedupeKey: `daily:${user.id}:${opts.date}` })
}

/** Shows with free seats in the next week, soonest first, one entry per show and city. */
async function upcomingShows(db: Db, now: Date): Promise<UpcomingShow[]> {
  const rows = await db.selectFrom('screenings as s')
    .innerJoin('shows as sh', 'sh.id', 's.show_id')
    .innerJoin('venues as v', 'v.id', 's.venue_id')
    .select(['sh.id as show_id', 'sh.name', 'v.name as venue', 'v.place', 'v.timezone', 's.starts_at'])
    .where('s.starts_at', '>', now.toISOString())
    .where('s.starts_at', '<', new Date(now.getTime() + UPCOMING_DAYS * DAY_MS).toISOString())
    .where('s.cancelled_at', 'is', null)
    .where(eb => eb('s.seats_sold', '<', eb.ref('s.capacity')))
    .orderBy('s.starts_at').orderBy('s.id')
    .limit(5000)
    .execute()
  const seen = new Set<string>()
  const out: UpcomingShow[] = []
  for (const r of rows) {
    const key = `${r.place}\n${r.show_id}`
    if (seen.has(key)) continue
    seen.add(key)
    out.push({ showId: r.show_id, name: r.name, place: r.place, venue: r.venue, startsAt: r.starts_at, timezone: r.timezone })
  }
  return out
}

/** Up to NUDGE_SHOWS different shows, from the person's cities first, then from anywhere. */
function pickShows(upcoming: UpcomingShow[], cities: Set<string> | undefined): UpcomingShow[] {
  const picked: UpcomingShow[] = []
  const shows = new Set<number>()
  const take = (list: UpcomingShow[]) => {
    for (const s of list) {
      if (picked.length >= NUDGE_SHOWS) return
      if (shows.has(s.showId)) continue
      shows.add(s.showId)
      picked.push(s)
    }
  }
  if (cities?.size) take(upcoming.filter(s => cities.has(s.place)))
  if (!picked.length) take(upcoming)
  return picked
}

/**
 * Enqueues today's reminders and nudges, working through opted-in users in batches (keyset
 * on id) with a few queries per batch. Running it again the same day enqueues nothing new.
 */
export async function sendDailyEmails(db: Db, opts: DailyOptions): Promise<DailyResult> {
  const { now } = opts
  const date = utcToZonedLocal(now.toISOString(), opts.timezone).date
  const tomorrow = nextDate(date)
  const batchSize = opts.batchSize ?? 500
  const inactiveBefore = new Date(now.getTime() - DAY_MS).toISOString()
  const nudgedSince = new Date(now.getTime() - NUDGE_EVERY_MS).toISOString()
  const result: DailyResult = { date, tomorrow, users: 0, reminders: 0, nudges: 0 }
  let upcoming: UpcomingShow[] | undefined

  for (let after = 0; ;) {
    const users = await db.selectFrom('users')
      .select(['id', 'email', 'username', 'role', 'last_seen_at'])
      .where('id', '>', after).where('email_opt_in', '=', 1).where('approved_at', 'is not', null)
      .orderBy('id').limit(batchSize).execute()
    if (!users.length) break
    after = users[users.length - 1]!.id
    result.users += users.length
    const ids = users.map(u => u.id)

    const bookings = await db.selectFrom('bookings as b')
      .innerJoin('screenings as s', 's.id', 'b.screening_id')
      .innerJoin('shows as sh', 'sh.id', 's.show_id')
      .innerJoin('venues as v', 'v.id', 's.venue_id')
      .select(['b.id', 'b.user_id', 'b.reference', 'b.seats', 'b.quantity', 's.starts_at', 'sh.name as show_name', 'v.name as venue_name', 'v.place', 'v.timezone'])
      .where('b.user_id', 'in', ids).where('b.status', '=', 'confirmed')
      .where('s.local_date', '=', tomorrow).where('s.cancelled_at', 'is', null)
      .orderBy('s.starts_at').orderBy('b.id')
      .execute()
    const byUser = new Map<number, ReminderBooking[]>()
    for (const b of bookings) {
      const list = byUser.get(b.user_id)
      if (list) list.push(b)
      else byUser.set(b.user_id, [b])
    }

    const emails: OutgoingEmail[] = []
    const inactive = users.filter(u => !byUser.has(u.id) && u.role === 'user' && (u.last_seen_at === null || u.last_seen_at < inactiveBefore))
    const inactiveIds = new Set(inactive.map(u => u.id))
    let cities = new Map<number, Set<string>>()
    let nudgedRecently = new Set<number>()
    if (inactive.length) {
      const [recent, places] = await Promise.all([
        db.selectFrom('outbox').select('user_id').where('user_id', 'in', [...inactiveIds]).where('kind', '=', 'nudge').where('created_at', '>=', nudgedSince).execute(),
        db.selectFrom('bookings as b').innerJoin('screenings as s', 's.id', 'b.screening_id').innerJoin('venues as v', 'v.id', 's.venue_id')
          .select(['b.user_id', 'v.place']).distinct().where('b.user_id', 'in', [...inactiveIds]).execute(),
      ])
      nudgedRecently = new Set(recent.map(r => r.user_id!))
      cities = new Map()
      for (const p of places) {
        const set = cities.get(p.user_id) ?? new Set<string>()
        set.add(p.place)
        cities.set(p.user_id, set)
      }
      upcoming ??= await upcomingShows(db, now)
    }

    for (const user of users) {
      const mine = byUser.get(user.id)
      if (mine) {
        emails.push(reminderEmail(user, mine, { siteUrl: opts.siteUrl, secret: opts.secret, date }))
        continue
      }
      if (!inactiveIds.has(user.id) || nudgedRecently.has(user.id) || !upcoming?.length) continue
      const shows = pickShows(upcoming, cities.get(user.id))
      if (shows.length) emails.push(nudgeEmail(user, shows, { siteUrl: opts.siteUrl, secret: opts.secret, date }))
    }

    if (emails.length) {
      const added = await writeTransaction(db, async (trx) => {
        const out: OutgoingEmail[] = []
        for (const email of emails) {
          if (await enqueueEmail(trx, email, now)) out.push(email)
        }
        return out
      })
      for (const email of added) {
        if (email.kind === 'reminder') result.reminders++
        else result.nudges++
      }
    }
  }
  return result
}
