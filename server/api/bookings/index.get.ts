import { BookingListQuerySchema } from '#shared/schemas/booking'
import { listBookings } from '~~/server/domain/booking'

export default defineEventHandler(async (event) => {
  const query = getValidQuery(event, BookingListQuerySchema)
  const user = await requireApprovedUser(event)
  return listBookings(useDb(), user.id, query)
})
