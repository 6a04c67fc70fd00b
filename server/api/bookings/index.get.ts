import { BookingListQuerySchema } from '#shared/schemas/booking'
import { listBookings } from '~~/server/domain/booking'

export default defineEventHandler(async (event) => {
  const user = await requireApprovedUser(event)
  const query = getValidQuery(event, BookingListQuerySchema)
  const page = await listBookings(useDb(), user.id, query)
  return { ...page, items: page.items.map(withTicketCode) }
})
