import { IdParamSchema } from '#shared/schemas/common'
import { VenuePatchSchema } from '#shared/schemas/catalog'
import { updateVenue } from '~~/server/domain/catalog'
import { offerAtVenue } from '~~/server/domain/booking'

export default defineEventHandler(async (event) => {
  await requireAdmin(event)
  const { id } = getValidParams(event, IdParamSchema)
  const patch = await readValidBody(event, VenuePatchSchema)
  const venue = await updateVenue(useDb(), id, patch)
  await invalidateCatalog()
  // A bigger hall: what is free now goes to the waiting lists of its screenings.
  const offers = useOfferSettings()
  await offerAtVenue(useDb(), id, new Date(), offers)
  announceOffers(offers)
  return venue
})
