import { IdParamSchema } from '#shared/schemas/account'
import { getBooking } from '../../domain/bookings'

export default defineEventHandler(async (event) => {
  const { id } = getValidParams(event, IdParamSchema)
  const user = await requireApprovedUser(event)
  const booking = await getBooking(useDb(), user.id, id)
  if (!booking) throw createError({ statusCode: 404, statusMessage: 'Not Found', message: 'No such booking' })
  return booking
})
