import { IdParamSchema } from '#shared/schemas/account'
import { VenuePatchSchema } from '#shared/schemas/catalog'
import { updateVenue } from '../../domain/venues'

export default defineEventHandler(async (event) => {
  const { id } = getValidParams(event, IdParamSchema)
  const patch = await readValidBody(event, VenuePatchSchema)
  await requireAdmin(event)
  const venue = await updateVenue(useDb(), id, patch)
  if (!venue) throw createError({ statusCode: 404, statusMessage: 'Not Found', message: 'No such venue' })
  await invalidateCatalog()
  return venue
})
