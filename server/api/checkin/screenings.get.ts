import { todaysScreenings } from '~~/server/domain/checkin'

// Today's screenings with how many of the seats booked are in: the door's live count.
export default defineEventHandler(async (event) => {
  await requireStaff(event)
  const items = await todaysScreenings(useDb())
  return { items, total: items.length, page: 1, pageSize: Math.max(items.length, 1) }
})
