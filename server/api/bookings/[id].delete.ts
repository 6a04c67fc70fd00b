import { IdParamSchema } from '#shared/schemas/common'
import { cancelBooking } from '~~/server/domain/booking'

/** Cancels the booking (200 with the cancelled booking, also when it was cancelled already). */
export default defineEventHandler(async (event) => {
  const user = await requireApprovedUser(event)
  const { id } = getValidParams(event, IdParamSchema)
  const result = await cancelBooking(useDb(), user.id, id, new Date(), { to: user.email, ctx: useMailContext() })
  if (result.cancelledNow) {
    requestMailFlush()
    announceSeats(result.booking.screening.id, { freed: result.booking.seats })
  }
  return result.booking
})
