import { IdParamSchema } from '#shared/schemas/common'
import { deleteVenue } from '~~/server/domain/catalog'

export default defineEventHandler(async (event) => {
  await requireAdmin(event)
  const { id } = getValidParams(event, IdParamSchema)
  await deleteVenue(useDb(), id)
  await invalidateCatalog()
  setResponseStatus(event, 204, 'No Content')
  return null
})
