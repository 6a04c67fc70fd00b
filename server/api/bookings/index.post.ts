import { BookingCreateSchema } from '#shared/schemas/booking'
import { createBooking } from '~~/server/domain/booking'

export default defineEventHandler(async (event) => {
  const user = await requireApprovedUser(event)
  const input = await readValidBody(event, BookingCreateSchema)
  const booking = await createBooking(useDb(), user.id, input, new Date(), { to: user.email, ctx: useMailContext() })
  requestMailFlush()
  announceSeats(input.screeningId)
  setResponseStatus(event, 201, 'Created')
  return booking
})
