import { IdParamSchema } from '#shared/schemas/common'
import { LayoutSchema } from '#shared/schemas/catalog'
import { setVenueLayout } from '~~/server/domain/catalog'
import { offerAtVenue } from '~~/server/domain/booking'

export default defineEventHandler(async (event) => {
  await requireAdmin(event)
  const { id } = getValidParams(event, IdParamSchema)
  const layout = await readValidBody(event, LayoutSchema)
  const venue = await setVenueLayout(useDb(), id, layout)
  await invalidateCatalog()
  // A bigger hall: what is free now goes to the waiting lists of its screenings.
  const offers = useOfferSettings()
  await offerAtVenue(useDb(), id, new Date(), offers)
  announceOffers(offers)
  return venue
})
