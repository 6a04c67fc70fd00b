import { IdParamSchema } from '#shared/schemas/common'
import { deleteVenue } from '~~/server/domain/catalog'

export default defineEventHandler(async (event) => {
  const { id } = getValidParams(event, IdParamSchema)
  await requireAdmin(event)
  await deleteVenue(useDb(), id)
  await invalidateCatalog()
  setResponseStatus(event, 204, 'No Content')
  return null
})
