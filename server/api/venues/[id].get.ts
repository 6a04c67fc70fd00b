import { IdParamSchema } from '#shared/schemas/account'
import { getVenue } from '../../domain/venues'

export default defineEventHandler(async (event) => {
  const { id } = getValidParams(event, IdParamSchema)
  const venue = await getVenue(useDb(), id)
  if (!venue) throw createError({ statusCode: 404, statusMessage: 'Not Found', message: 'No such venue' })
  return venue
})
