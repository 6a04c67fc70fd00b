// Check-in at the door (issue 15): the signed code a ticket's QR carries, letting a
// ticket in exactly once, and today's count of who is in.

export { ticketKey, ticketCode, parseTicketCode } from './codes'
export type { TicketQuery } from './checkin'
export { checkIn, todaysScreenings } from './checkin'
