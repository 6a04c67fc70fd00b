import { IdParamSchema } from '#shared/schemas/common'
import { leaveWaitlist } from '~~/server/domain/booking'

// Leaves a waiting list (also declines an offer: its seats go to the next person at once).
export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const { id } = getValidParams(event, IdParamSchema)
  const offers = useOfferSettings()
  await leaveWaitlist(useDb(), user.id, id, new Date(), offers)
  announceOffers(offers)
  setResponseStatus(event, 204, 'No Content')
  return null
})
