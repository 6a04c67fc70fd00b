import { listWaitlist } from '~~/server/domain/booking'

// One's own waiting lists for screenings to come, with one's place in each, or the offer.
export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const items = await listWaitlist(useDb(), user.id)
  return { items, total: items.length, page: 1, pageSize: items.length }
})
