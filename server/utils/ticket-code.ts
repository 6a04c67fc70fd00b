import type { Booking } from '#shared/types/api'
import { ticketCode, ticketKey } from '../domain/checkin'

let key: Buffer | undefined

/** This process's key for ticket codes, derived from the auth secret under its own label. */
export function useTicketKey(): Buffer {
  key ??= ticketKey(useAuthSecret())
  return key
}

/** The owner's view of a booking: with `ticketCode`, the exact string its QR code encodes. Never for someone else's booking. */
export function withTicketCode<T extends Pick<Booking, 'id' | 'reference'>>(booking: T): T & { ticketCode: string } {
  return { ...booking, ticketCode: ticketCode(useTicketKey(), booking) }
}
