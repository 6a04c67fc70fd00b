import { IdParamSchema } from '#shared/schemas/common'
import { VenuePatchSchema } from '#shared/schemas/catalog'
import { updateVenue } from '~~/server/domain/catalog'

export default defineEventHandler(async (event) => {
  await requireAdmin(event)
  const { id } = getValidParams(event, IdParamSchema)
  const patch = await readValidBody(event, VenuePatchSchema)
  const venue = await updateVenue(useDb(), id, patch)
  await invalidateCatalog()
  return venue
})
