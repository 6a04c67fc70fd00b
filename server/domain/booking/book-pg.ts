import { randomInt } from 'node:crypto'
import { CompiledQuery } from 'kysely'
import type { Db } from '../../db'
import { isUniqueViolation } from '../../db/errors'
import { batched, inKeyOrder } from '../../db/batch'
import { keepPrepared } from '../../db/prepared'
import type { BookingCreateInput } from '#shared/schemas/booking'
import type { Booking } from '#shared/types/api'
import { Conflict, NotFound } from '../errors'
import { deferredBookingEmail } from '../mail'
import type { MailContext } from '../mail'
import { bestSeats, sortSeats } from '#shared/seating'
import type { Unavailable } from '#shared/seating'
import { assertSeatsExist } from './seats'
import { bookingMail, confirmedBooking } from './views'
import { categoryPrices, loadHall } from '../catalog'
import { assertCategory, categoryName, priceSeats, totalOf, unitPriceOf } from './pricing'
import { clashMessage } from './holds'
import { claimSeats } from './claim-pg'
import { PickRegistry } from './picks'

// A booking on PostgreSQL in two statements and no transaction of our own: a read of the
// screening with its taken seats, then one statement that claims the counter, inserts the
// booking, its seat rows and its confirmation email, all or nothing (a single statement is
// atomic). The screening's row is locked only while that statement runs, not across round
// trips, so bookings of one screening no longer queue behind each other's network waits.
// The seats are picked from the read; if another booking took one of them meanwhile,
// UNIQUE(screening_id, seat) fails the statement and nothing is written: an exact-seats
// request is then refused (409), a quantity request picks again from a fresh read, and after
// four clashes takes the locked path (commands.ts), which always makes progress.

const COLUMNS = `s.id, s.starts_at, s.price, s.prices, s.capacity, s.seats_sold, s.seats_version, s.cancelled_at,
  v.layout_version, v.id as venue_id, v.name as venue_name, v.place, v.timezone,
  sh.id as show_id, sh.name as show_name, sh.poster_key, sh.duration_minutes`
const READ = keepPrepared(`select ${COLUMNS},
  (select string_agg(seat, ',') from booking_seats where screening_id = s.id) as taken,
  (select string_agg(seat, ',') from seat_holds where screening_id = s.id and expires_at > $2 and user_id <> $3) as held,
  exists (select 1 from waitlist_entries where screening_id = s.id and user_id = $3 and status in ('waiting', 'offered')) as queued
from screenings s join venues v on v.id = s.venue_id join shows sh on sh.id = s.show_id
where s.id = $1`)

// The same read for the bookings in flight at once (batch.ts), each screening's taken seats
// gathered once: $1 screenings, $2 their bookings' times, $3 their bookers.
const READ_MANY = keepPrepared(`with k as (
  select * from unnest($1::int[], $2::timestamptz[], $3::int[]) with ordinality as k(screening_id, at, user_id, batch_i)
), t as (
  select screening_id, string_agg(seat, ',') as taken from booking_seats where screening_id = any($1::int[]) group by screening_id
)
select k.batch_i, ${COLUMNS}, t.taken,
  (select string_agg(seat, ',') from seat_holds h where h.screening_id = s.id and h.expires_at > k.at and h.user_id <> k.user_id) as held,
  exists (select 1 from waitlist_entries w where w.screening_id = s.id and w.user_id = k.user_id and w.status in ('waiting', 'offered')) as queued
from k join screenings s on s.id = k.screening_id join venues v on v.id = s.venue_id join shows sh on sh.id = s.show_id
left join t on t.screening_id = s.id`)

type ReadKey = { screeningId: number, at: string, userId: number }

const readOne = async (db: Db, k: ReadKey) => (await db.executeQuery<Read>(CompiledQuery.raw(READ, [k.screeningId, k.at, k.userId]))).rows[0]

/** A screening as a booking of it needs it, read with the other bookings' reads in flight. */
const readScreening = batched<ReadKey, Read>(async (db, keys) => {
  const { rows } = await db.executeQuery<Read & { batch_i: string | number }>(CompiledQuery.raw(READ_MANY, [keys.map(k => k.screeningId), keys.map(k => k.at), keys.map(k => k.userId)]))
  return inKeyOrder(rows, keys.length)
}, readOne)

interface Read {
  id: number
  starts_at: string
  price: number
  prices: string | null
  capacity: number
  seats_sold: number
  seats_version: number
  cancelled_at: string | null
  layout_version: number
  venue_id: number
  venue_name: string
  place: string
  timezone: string
  show_id: number
  show_name: string
  poster_key: string | null
  duration_minutes: number
  taken: string | null
  held: string | null
  /** the booker is on this screening's waiting list (the locked path ends their entry) */
  queued: boolean
}

/** Thrown when another booking took one of the picked seats between the read and the write. */
export class SeatClash extends Error {}

/** Thrown when the booker is on the screening's waiting list: their entry ends with the booking, on the locked path. */
export class NeedsLock extends Error {}

const leftOf = (s: Read) => s.capacity - s.seats_sold

/** What this instance's bookings are claiming, so that bookings arriving together pick apart. */
const picks = new PickRegistry()

/** The last taken-seats text read per screening, parsed: the bookings of one read share it. */
const lastBooked = new Map<number, { text: string, seats: ReadonlySet<string> }>()

function bookedSeats(screeningId: number, text: string | null): ReadonlySet<string> {
  if (!text) return new Set()
  const last = lastBooked.get(screeningId)
  if (last?.text === text) return last.seats
  if (lastBooked.size >= 1000) lastBooked.clear()
  const seats = new Set(text.split(','))
  lastBooked.set(screeningId, { text, seats })
  return seats
}

/**
 * One attempt at a booking (see above). Resolves with the booking, or throws NotFound,
 * Conflict (sold out, started, seats taken), SeatClash (a quantity request lost a race for
 * a seat: try again) or a reference clash (withFreshReference retries).
 */
export async function bookOnPostgres(db: Db, userId: number, input: BookingCreateInput, reference: string, now: Date, notify?: { to: string, ctx: MailContext }, attempt = 0): Promise<Booking> {
  const nowIso = now.toISOString()
  const mark = picks.mark()
  const s = await readScreening(db, { screeningId: input.screeningId, at: nowIso, userId })
  if (!s || s.cancelled_at) throw new NotFound('No such screening')
  if (new Date(s.starts_at) <= now) throw new Conflict('This screening has already started: bookings can no longer be made or changed', { seatsLeft: 0 })
  if (s.queued) throw new NeedsLock()
  const held = new Set(s.held ? s.held.split(',') : [])
  const booked = bookedSeats(s.id, s.taken)
  const taken: Unavailable = held.size ? { has: seat => booked.has(seat) || held.has(seat) } : booked
  const hall = await loadHall(db, s.venue_id, s.layout_version)
  const wanted = 'seats' in input ? sortSeats(input.seats) : undefined
  if (wanted) assertSeatsExist(wanted, hall)
  const category = 'category' in input ? input.category : undefined
  if (category) assertCategory(hall, category)
  const n = wanted ? wanted.length : (input as { quantity: number }).quantity
  if (n > leftOf(s)) throw new Conflict(`Only ${leftOf(s)} seats are left`, { seatsLeft: leftOf(s) })
  if (wanted) {
    const clash = wanted.filter(seat => taken.has(seat))
    if (clash.length) throw new Conflict(clashMessage(clash, held), { seatsLeft: leftOf(s), taken: clash })
  }
  // Around the seats other bookings here are claiming; if that leaves too few, among them
  // (those claims may fail, and the database decides). After a lost race (another instance
  // picked from the same read), and while this screening's bookings keep losing races, a
  // row or two further on at random, so that two instances do not pick the same seats.
  const claimed = wanted ? undefined : picks.unavailable(s.id, mark)
  const skip = attempt ? randomInt(2 * attempt + 1) : picks.contended(s.id) ? randomInt(3) : 0
  const apart: Unavailable | undefined = claimed?.size ? { has: seat => taken.has(seat) || claimed.has(seat) } : undefined
  const seats = wanted ?? sortSeats((apart && bestSeats(hall, apart, n, category, skip)) ?? bestSeats(hall, taken, n, category, skip) ?? [])
  if (seats.length !== n) throw new Conflict(category ? `Not enough ${categoryName(hall, category)} seats are left` : `Only ${leftOf(s)} seats are left`, { seatsLeft: leftOf(s) })
  const lines = priceSeats(hall, categoryPrices(hall, s.price, s.prices), seats)
  const mail = notify && deferredBookingEmail({
    name: 'booking-confirmed',
    booking: bookingMail(s, { id: 0, reference, status: 'confirmed', userId, lines }),
    ctx: notify.ctx,
    at: nowIso,
  }, notify.to)
  let row: { id: number } | undefined
  const settle = picks.claim(s.id, seats)
  try {
    row = await claimSeats(db, {
      screeningId: s.id, n, at: nowIso, reference, userId, seats, unitPrice: unitPriceOf(lines), total: totalOf(lines), lines: JSON.stringify(lines), seatsVersion: s.seats_version,
      ...(mail && { mail: { to: mail.to, subject: mail.subject.slice(0, 300), template: JSON.stringify(mail.template) } }),
    })
  }
  catch (err) {
    if (!isUniqueViolation(err) || String((err as { constraint?: string }).constraint ?? (err as Error).message).includes('reference')) throw err
    if (wanted) throw new Conflict('Someone else just booked one of those seats', { seatsLeft: leftOf(s) - n })
    picks.clashed(s.id)
    throw new SeatClash()
  }
  finally {
    settle(row !== undefined)
  }
  if (!row) {
    // The claim touched no row: sold out, started or cancelled since the read.
    const again = await readScreening(db, { screeningId: input.screeningId, at: nowIso, userId })
    if (!again || again.cancelled_at) throw new NotFound('No such screening')
    if (new Date(again.starts_at) <= now) throw new Conflict('This screening has already started: bookings can no longer be made or changed', { seatsLeft: 0 })
    // The hall changed since the read: pick again in the new one.
    if (again.seats_version !== s.seats_version) throw new SeatClash()
    throw new Conflict(`Only ${leftOf(again)} seats are left`, { seatsLeft: leftOf(again) })
  }
  return confirmedBooking(s, { id: row.id, reference, lines, at: nowIso })
}
