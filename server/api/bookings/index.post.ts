import { BookingCreateSchema } from '#shared/schemas/booking'
import { createBooking } from '~~/server/domain/booking'

export default defineEventHandler(async (event) => {
  const user = await requireApprovedUser(event)
  const input = await readValidBody(event, BookingCreateSchema)
  const notify = bookingNotify(user)
  const booking = await createBooking(useDb(), user.id, input, new Date(), notify)
  requestMailFlush()
  // Booking ends the person's hold on the screening.
  announceSeats(input.screeningId, { taken: booking.seats }, { holder: user.id, seats: [], expiresAt: null })
  announceOffers(notify.offers)
  setResponseStatus(event, 201, 'Created')
  return withTicketCode(booking)
})
