import { VenueCreateSchema } from '#shared/schemas/catalog'
import { createVenue } from '~~/server/domain/catalog'

export default defineEventHandler(async (event) => {
  await requireAdmin(event)
  const input = await readValidBody(event, VenueCreateSchema)
  const venue = await createVenue(useDb(), input, useRuntimeConfig().defaultTimezone)
  await invalidateCatalog()
  setResponseStatus(event, 201, 'Created')
  return venue
})
