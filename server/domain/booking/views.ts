import type { Booking, BookingLine } from '#shared/types/api'
import { posterUrls } from '../catalog'
import type { BookingMail } from '../mail'
import type { LoadedScreening } from './seats'
import { totalOf, unitPriceOf } from './pricing'

// What a booking made now shows of its screening, in its answer and in its email: shared by
// the locked path (commands.ts) and PostgreSQL's two statements (book-pg.ts).

export type BookedScreening = Pick<LoadedScreening, 'id' | 'starts_at' | 'duration_minutes' | 'show_id' | 'show_name' | 'poster_key' | 'venue_id' | 'venue_name' | 'place' | 'timezone'>

/** A booking's email data; the total is the sum of its seats' prices. */
export function bookingMail(s: BookedScreening, b: { id: number, reference: string, status: 'confirmed' | 'cancelled', userId: number, lines: BookingLine[] }): BookingMail {
  const { lines, ...rest } = b
  return {
    ...rest,
    seats: lines.map(l => l.seat),
    lines,
    quantity: lines.length,
    total: totalOf(lines),
    startsAt: s.starts_at,
    durationMinutes: s.duration_minutes,
    showId: s.show_id,
    showName: s.show_name,
    venueName: s.venue_name,
    place: s.place,
    timezone: s.timezone,
  }
}

/** The answer to a booking just made: confirmed, created and updated at `at`. */
export function confirmedBooking(s: BookedScreening, b: { id: number, reference: string, lines: BookingLine[], at: string }): Booking {
  return {
    id: b.id,
    reference: b.reference,
    status: 'confirmed',
    quantity: b.lines.length,
    seats: b.lines.map(l => l.seat),
    lines: b.lines,
    unitPrice: unitPriceOf(b.lines),
    total: totalOf(b.lines),
    createdAt: b.at,
    updatedAt: b.at,
    screening: {
      id: s.id,
      startsAt: s.starts_at,
      show: { id: s.show_id, name: s.show_name, posterUrl: posterUrls(s.poster_key).posterUrl },
      venue: { id: s.venue_id, name: s.venue_name, place: s.place, timezone: s.timezone },
    },
  }
}
