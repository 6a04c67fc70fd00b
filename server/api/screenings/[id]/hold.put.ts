import { HoldSchema } from '#shared/schemas/booking'
import { IdParamSchema } from '#shared/schemas/common'
import { holdSeats } from '~~/server/domain/booking'

// Holds the seats someone picks while they choose (NUXT_HOLD_MINUTES), or lets them go.
export default defineEventHandler(async (event) => {
  const user = await requireApprovedUser(event)
  const { id } = getValidParams(event, IdParamSchema)
  await useRateLimits().consume('hold', String(user.id))
  const { seats } = await readValidBody(event, HoldSchema)
  const hold = await holdSeats(useDb(), user.id, id, seats, Number(useRuntimeConfig(event).holdMinutes) || 8)
  announceSeats(id, { holder: user.id, seats: hold.seats, expiresAt: hold.expiresAt })
  return hold
})
