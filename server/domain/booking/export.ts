import Papa from 'papaparse'
import type { Db } from '../../db'
import { formatMajorUnits, venueClock } from '#shared/format'
import { buildBookingIcs } from '../mail'
import { bookingQuery, noSuchBooking, splitSeats } from './queries'
import type { BookingJoinRow } from './queries'
import { linesOf } from './pricing'

// One's bookings as they leave TicketShow: the CSV export (also the monthly report's
// attachment) and a booking's calendar event.

/** What a row of the bookings CSV needs (bookingQuery selects it). */
export type BookingCsvRow = Pick<BookingJoinRow, 'reference' | 'show_name' | 'venue_name' | 'place' | 'starts_at' | 'timezone' | 'seats' | 'quantity' | 'unit_price' | 'total' | 'status' | 'created_at'> & { lines?: string | null }

/**
 * Bookings as CSV, in the order given; start times in the venue's timezone, money in
 * major units. Cells that a spreadsheet would run as formulas are escaped. The export and
 * the monthly report's attachment share it.
 */
export function formatBookingsCsv(rows: BookingCsvRow[], currency: string): string {
  const major = (minor: number) => formatMajorUnits(minor, currency)
  return Papa.unparse({
    fields: ['Reference', 'Show', 'Venue', 'Place', 'Starts (venue time)', 'Timezone', 'Seats', 'Quantity', 'Unit price', 'Total', 'Currency', 'Status', 'Booked at (UTC)', 'Seat categories'],
    data: rows.map(r => [r.reference, r.show_name, r.venue_name, r.place, venueClock(r.starts_at, r.timezone), r.timezone, splitSeats(r.seats).join(' '), r.quantity, major(r.unit_price), major(r.total), currency, r.status, r.created_at, categoriesCell(r, major)]),
  }, { escapeFormulae: true, newline: '\r\n' })
}

/** "C7 Prime 350.00; C8 Prime 350.00": each seat with its category and price. */
function categoriesCell(r: BookingCsvRow, major: (minor: number) => string): string {
  return linesOf(r.lines ?? null, splitSeats(r.seats), r.unit_price).map(l => `${l.seat} ${l.categoryName} ${major(l.price)}`).join('; ')
}

/** A user's bookings as CSV, newest first (see formatBookingsCsv). */
export async function bookingsCsv(db: Db, userId: number, currency: string): Promise<string> {
  const rows = await bookingQuery(db).where('b.user_id', '=', userId).orderBy('b.created_at', 'desc').orderBy('b.id', 'desc').execute()
  return formatBookingsCsv(rows, currency)
}

/** An iCalendar event for one of the user's bookings; NotFound for anyone else's. */
export async function bookingIcs(db: Db, userId: number, id: number, siteUrl: string, now = new Date()): Promise<{ reference: string, ics: string }> {
  const r = await bookingQuery(db).where('b.id', '=', id).where('b.user_id', '=', userId).executeTakeFirst()
  if (!r) throw noSuchBooking()
  const ics = buildBookingIcs({
    id: r.id, reference: r.reference, status: r.status, seats: splitSeats(r.seats), startsAt: r.starts_at,
    durationMinutes: r.duration_minutes, showName: r.show_name, venueName: r.venue_name, place: r.place,
  }, siteUrl, now)
  return { reference: r.reference, ics }
}
