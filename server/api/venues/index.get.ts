import { VenueListQuerySchema } from '#shared/schemas/catalog'

export default defineEventHandler(async (event) => {
  const query = getValidQuery(event, VenueListQuerySchema)
  return publicVenues(query)
})
