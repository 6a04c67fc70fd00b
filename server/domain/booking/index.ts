// Booking: reading one's bookings, claiming seats (the conditional counter, the seat rows,
// the seat cache on SQLite), making, changing and cancelling a booking, the CSV and
// calendar exports, cancelling a screening's bookings, and its waiting list and offers.

export { getBooking, listBookings, listScreeningBookings } from './queries'
export { createBooking, changeBooking, cancelBooking } from './commands'
export { moveBooking } from './move'
export type { MoveResult } from './move'
export { cancelScreening } from './cancel-screening'
export { countUpcomingBookings, cancelUpcomingBookings } from './cancel-user'
export type { BookingCsvRow } from './export'
export { formatBookingsCsv, bookingsCsv, bookingIcs } from './export'
export { bestSeats, seatsNear, sortSeats } from '#shared/seating'
export { SeatCache } from './seat-cache'
export { holdSeats, MAX_HELD_SCREENINGS } from './holds'
export type { Hold } from './holds'
export { joinWaitlist, listWaitlist, leaveWaitlist, leaveAllWaitlists, screeningWaitlist, waitlistSizes, MAX_OPEN_ENTRIES } from './waitlist'
export { sweepWaitlists, offerAtVenue } from './offers'
export type { OfferSettings, MadeOffer, SweepResult } from './offers'
