import type { Db } from '../../db'
import type { Booking, Page, ScreeningBooking } from '#shared/types/api'
import { posterUrls } from '../catalog'
import { NotFound } from '../errors'
import { linesOf } from './pricing'

// Reading bookings: one's own (a booking of someone else's is NotFound, never Forbidden)
// and, for admins, who booked what for a screening.

/** Bookings with what every view of them shows of the screening, show and venue. */
export function bookingQuery(db: Db) {
  return db.selectFrom('bookings as b')
    .innerJoin('screenings as s', 's.id', 'b.screening_id')
    .innerJoin('shows as sh', 'sh.id', 's.show_id')
    .innerJoin('venues as v', 'v.id', 's.venue_id')
    .select([
      'b.id', 'b.reference', 'b.status', 'b.quantity', 'b.seats', 'b.lines', 'b.unit_price', 'b.total', 'b.created_at', 'b.updated_at', 'b.user_id',
      's.id as screening_id', 's.starts_at', 'sh.id as show_id', 'sh.name as show_name', 'sh.poster_key', 'sh.duration_minutes',
      'v.id as venue_id', 'v.name as venue_name', 'v.place', 'v.timezone',
    ])
}

export type BookingJoinRow = Awaited<ReturnType<ReturnType<typeof bookingQuery>['executeTakeFirstOrThrow']>>

/** A booking's seats as stored (`A1,A2`) as a list. */
export const splitSeats = (s: string) => (s ? s.split(',') : [])

function toBooking(r: BookingJoinRow): Booking {
  const { id, reference, status, quantity } = r
  const seats = splitSeats(r.seats)
  return {
    id, reference, status, quantity, seats,
    lines: linesOf(r.lines, seats, r.unit_price),
    unitPrice: r.unit_price,
    total: r.total,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    screening: {
      id: r.screening_id,
      startsAt: r.starts_at,
      show: { id: r.show_id, name: r.show_name, posterUrl: posterUrls(r.poster_key).posterUrl },
      venue: { id: r.venue_id, name: r.venue_name, place: r.place, timezone: r.timezone },
    },
  }
}

/** NotFound for a booking that is not there or not the user's: the two look the same. */
export const noSuchBooking = () => new NotFound('No such booking')

/** A user's own booking; NotFound for anyone else's (the API answers 404, never 403). */
export async function getBooking(db: Db, userId: number, id: number): Promise<Booking> {
  const row = await bookingQuery(db).where('b.id', '=', id).where('b.user_id', '=', userId).executeTakeFirst()
  if (!row) throw noSuchBooking()
  return toBooking(row)
}

/** A user's bookings, newest first. */
export async function listBookings(db: Db, userId: number, opts: { page: number, pageSize: number, status?: 'confirmed' | 'cancelled' | 'all', when?: 'upcoming' | 'past' | 'all', now?: Date }): Promise<Page<Booking>> {
  const nowIso = (opts.now ?? new Date()).toISOString()
  let q = bookingQuery(db).where('b.user_id', '=', userId)
  if (opts.status && opts.status !== 'all') q = q.where('b.status', '=', opts.status)
  if (opts.when === 'upcoming') q = q.where('s.starts_at', '>', nowIso)
  if (opts.when === 'past') q = q.where('s.starts_at', '<=', nowIso)
  const [rows, count] = await Promise.all([
    q.orderBy('b.created_at', 'desc').orderBy('b.id', 'desc').limit(opts.pageSize).offset((opts.page - 1) * opts.pageSize).execute(),
    q.clearSelect().select(eb => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ])
  return { items: rows.map(toBooking), total: Number(count.n), page: opts.page, pageSize: opts.pageSize }
}

/** Who booked what for a screening (admins), newest first; NotFound for an unknown screening. */
export async function listScreeningBookings(db: Db, screeningId: number): Promise<ScreeningBooking[]> {
  const screening = await db.selectFrom('screenings').select('id').where('id', '=', screeningId).executeTakeFirst()
  if (!screening) throw new NotFound('No such screening')
  const rows = await db.selectFrom('bookings as b').innerJoin('users as u', 'u.id', 'b.user_id')
    .select(['b.id', 'b.reference', 'b.status', 'b.quantity', 'b.seats', 'b.total', 'b.created_at', 'u.id as user_id', 'u.username', 'u.email'])
    .where('b.screening_id', '=', screeningId).orderBy('b.created_at', 'desc').orderBy('b.id', 'desc').execute()
  return rows.map(r => ({
    id: r.id,
    reference: r.reference,
    status: r.status,
    quantity: r.quantity,
    seats: splitSeats(r.seats),
    total: r.total,
    createdAt: r.created_at,
    user: { id: r.user_id, username: r.username, email: r.email },
  }))
}
