import { BookingListQuerySchema } from '#shared/schemas/booking'
import { listBookings } from '~~/server/domain/booking'

export default defineEventHandler(async (event) => {
  const user = await requireApprovedUser(event)
  const query = getValidQuery(event, BookingListQuerySchema)
  return listBookings(useDb(), user.id, query)
})
