import { IdParamSchema } from '#shared/schemas/common'
import { BookingMoveSchema } from '#shared/schemas/booking'
import { moveBooking } from '~~/server/domain/booking'

export default defineEventHandler(async (event) => {
  const user = await requireApprovedUser(event)
  const { id } = getValidParams(event, IdParamSchema)
  const input = await readValidBody(event, BookingMoveSchema)
  const notify = bookingNotify(user)
  const { booking, from } = await moveBooking(useDb(), user.id, id, input, new Date(), notify)
  requestMailFlush()
  // Both maps change: the old seats are free, the new ones taken and the mover's hold used.
  announceSeats(from.screeningId, { freed: from.freed })
  announceSeats(booking.screening.id, { taken: booking.seats }, { holder: user.id, seats: [], expiresAt: null })
  announceOffers(notify.offers)
  return booking
})
