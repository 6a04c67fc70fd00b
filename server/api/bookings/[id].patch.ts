import { IdParamSchema } from '#shared/schemas/account'
import { BookingPatchSchema } from '#shared/schemas/booking'
import { changeBooking } from '../../domain/bookings'

export default defineEventHandler(async (event) => {
  const { id } = getValidParams(event, IdParamSchema)
  const patch = await readValidBody(event, BookingPatchSchema)
  const user = await requireApprovedUser(event)
  const booking = await changeBooking(useDb(), user.id, id, patch, new Date(), { to: user.email, ctx: useMailContext() })
  if (!booking) throw createError({ statusCode: 404, statusMessage: 'Not Found', message: 'No such booking' })
  requestMailFlush()
  return booking
})
