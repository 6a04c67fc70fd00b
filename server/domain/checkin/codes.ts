import { createHmac, timingSafeEqual } from 'node:crypto'

// The secret a ticket's QR code carries: `TS1.<bookingId>.<mac>`, where mac is
// HMAC-SHA256(key, "<bookingId>.<reference>") cut to 16 bytes (128 bits), base64url.
// Stateless: nothing is stored, a forged or altered code fails the MAC, and the reference
// alone (printed on the ticket) is not enough to make one.

const PREFIX = 'TS1'
const MAC_BYTES = 16
const CODE = /^TS1\.(\d{1,12})\.([\w-]{22})$/

/** The key for ticket codes, derived from the auth secret under its own label (never the JWT key itself). */
export function ticketKey(authSecret: string): Buffer {
  return createHmac('sha256', authSecret).update('ticketshow:ticket-code:v1').digest()
}

function mac(key: Buffer, bookingId: number, reference: string): Buffer {
  return createHmac('sha256', key).update(`${bookingId}.${reference}`).digest().subarray(0, MAC_BYTES)
}

/** The exact string a booking's QR code encodes. */
export function ticketCode(key: Buffer, booking: { id: number, reference: string }): string {
  return `${PREFIX}.${booking.id}.${mac(key, booking.id, booking.reference).toString('base64url')}`
}

/** The booking id a code claims, or null when it is not shaped like a ticket code. */
export function parseTicketCode(code: string): { bookingId: number, mac: Buffer } | null {
  const m = CODE.exec(code.trim())
  if (!m) return null
  const given = Buffer.from(m[2]!, 'base64url')
  // the last character carries 4 unused bits: only the canonical spelling is a code
  if (given.length !== MAC_BYTES || given.toString('base64url') !== m[2]) return null
  return { bookingId: Number(m[1]), mac: given }
}

/** Whether `given` is the MAC of this booking, compared in constant time. */
export function ticketMacMatches(key: Buffer, booking: { id: number, reference: string }, given: Buffer): boolean {
  return timingSafeEqual(mac(key, booking.id, booking.reference), given)
}
