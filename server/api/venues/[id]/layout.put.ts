import { IdParamSchema } from '#shared/schemas/common'
import { LayoutSchema } from '#shared/schemas/catalog'
import { setVenueLayout } from '~~/server/domain/catalog'

export default defineEventHandler(async (event) => {
  await requireAdmin(event)
  const { id } = getValidParams(event, IdParamSchema)
  const layout = await readValidBody(event, LayoutSchema)
  const venue = await setVenueLayout(useDb(), id, layout)
  await invalidateCatalog()
  return venue
})
