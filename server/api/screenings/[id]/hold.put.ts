import { HoldSchema } from '#shared/schemas/booking'
import { IdParamSchema } from '#shared/schemas/common'
import { holdSeats } from '~~/server/domain/booking'

// Holds the seats someone picks while they choose (NUXT_HOLD_MINUTES), or lets them go.
export default defineEventHandler(async (event) => {
  const user = await requireApprovedUser(event)
  const { id } = getValidParams(event, IdParamSchema)
  await useRateLimits().consume('hold', String(user.id))
  const { seats } = await readValidBody(event, HoldSchema)
  const offers = useOfferSettings()
  const hold = await holdSeats(useDb(), user.id, id, seats, Number(useRuntimeConfig(event).holdMinutes) || 8, new Date(), offers)
  // A hold beside an offer has two expiries: the maps read the seats again instead.
  announceSeats(id, hold.offer ? { resync: true } : { holder: user.id, seats: hold.seats, expiresAt: hold.expiresAt })
  announceOffers(offers)
  return hold
})
