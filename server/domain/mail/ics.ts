// iCalendar (RFC 5545) events for bookings: the ticket.ics download and the invite attached to emails.

const icsText = (s: string) => s.replace(/\\/g, '\\\\').replace(/\r?\n/g, '\\n').replace(/[,;]/g, c => `\\${c}`)
const icsTime = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')

/** Folds a content line at 75 octets, as RFC 5545 asks. */
function fold(line: string): string {
  const bytes = Buffer.from(line)
  if (bytes.length <= 75) return line
  const out: string[] = []
  let start = 0
  while (start < bytes.length) {
    let end = Math.min(start + (start === 0 ? 75 : 74), bytes.length)
    while (end < bytes.length && (bytes[end]! & 0xC0) === 0x80) end-- // never split a UTF-8 character
    out.push((start === 0 ? '' : ' ') + bytes.subarray(start, end).toString())
    start = end
  }
  return out.join('\r\n')
}

/** What a booking's calendar event is made of: all of it in hand after a booking transaction. */
export interface IcsBooking {
  id: number
  reference: string
  status: 'confirmed' | 'cancelled'
  seats: string[]
  startsAt: string
  durationMinutes: number
  showName: string
  venueName: string
  place: string
}

/**
 * An iCalendar event for a booking's screening (RFC 5545), from data in hand (no query, so
 * a booking transaction can attach it to its confirmation email). `sequence` grows with
 * each change so calendars replace the event they already have.
 */
export function buildBookingIcs(b: IcsBooking, siteUrl: string, now = new Date(), sequence = 0): string {
  const start = new Date(b.startsAt)
  const end = new Date(start.getTime() + b.durationMinutes * 60_000)
  const seats = b.seats.join(', ')
  const lines = [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//TicketShow//Bookings//EN', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:booking-${b.reference}@ticketshow`,
    `DTSTAMP:${icsTime(now)}`,
    ...(sequence ? [`SEQUENCE:${sequence}`] : []),
    `DTSTART:${icsTime(start)}`,
    `DTEND:${icsTime(end)}`,
    `SUMMARY:${icsText(b.showName)}`,
    `LOCATION:${icsText(`${b.venueName}, ${b.place}`)}`,
    `DESCRIPTION:${icsText(`Booking ${b.reference}${seats ? ` — seats ${seats}` : ''}`)}`,
    `URL:${siteUrl.replace(/\/$/, '')}/bookings/${b.id}`,
    `STATUS:${b.status === 'confirmed' ? 'CONFIRMED' : 'CANCELLED'}`,
    'END:VEVENT', 'END:VCALENDAR',
  ]
  return lines.map(fold).join('\r\n') + '\r\n'
}
