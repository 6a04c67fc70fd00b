import { IdParamSchema } from '#shared/schemas/account'
import { cancelBooking } from '../../domain/bookings'

/** Cancels the booking (200 with the cancelled booking, also when it was cancelled already). */
export default defineEventHandler(async (event) => {
  const { id } = getValidParams(event, IdParamSchema)
  const user = await requireApprovedUser(event)
  const result = await cancelBooking(useDb(), user.id, id, new Date(), { to: user.email, ctx: useMailContext() })
  if (!result) throw createError({ statusCode: 404, statusMessage: 'Not Found', message: 'No such booking' })
  if (result.cancelledNow) requestMailFlush()
  return result.booking
})
