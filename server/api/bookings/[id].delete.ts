import { IdParamSchema } from '#shared/schemas/common'
import { cancelBooking } from '~~/server/domain/booking'

/** Cancels the booking (200 with the cancelled booking, also when it was cancelled already). */
export default defineEventHandler(async (event) => {
  const user = await requireApprovedUser(event)
  const { id } = getValidParams(event, IdParamSchema)
  const notify = bookingNotify(user)
  const result = await cancelBooking(useDb(), user.id, id, new Date(), notify)
  if (result.cancelledNow) {
    requestMailFlush()
    announceSeats(result.booking.screening.id, { freed: result.booking.seats })
    announceOffers(notify.offers)
  }
  return result.booking
})
