import { IdParamSchema } from '#shared/schemas/account'
import { deleteVenue } from '../../domain/venues'

export default defineEventHandler(async (event) => {
  const { id } = getValidParams(event, IdParamSchema)
  await requireAdmin(event)
  if (!await deleteVenue(useDb(), id)) throw createError({ statusCode: 404, statusMessage: 'Not Found', message: 'No such venue' })
  await invalidateCatalog()
  setResponseStatus(event, 204, 'No Content')
  return null
})
