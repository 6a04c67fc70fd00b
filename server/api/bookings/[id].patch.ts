import { IdParamSchema } from '#shared/schemas/common'
import { BookingPatchSchema } from '#shared/schemas/booking'
import { changeBooking } from '~~/server/domain/booking'

export default defineEventHandler(async (event) => {
  const user = await requireApprovedUser(event)
  const { id } = getValidParams(event, IdParamSchema)
  const patch = await readValidBody(event, BookingPatchSchema)
  const notify = bookingNotify(user)
  const booking = await changeBooking(useDb(), user.id, id, patch, new Date(), notify)
  requestMailFlush()
  // Which seats it gave back is not known here: every instance reads the screening's seats.
  announceSeats(booking.screening.id, { resync: true })
  announceOffers(notify.offers)
  return withTicketCode(booking)
})
