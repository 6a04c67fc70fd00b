import { IdParamSchema } from '#shared/schemas/common'
import { getVenue } from '~~/server/domain/catalog'

export default defineEventHandler(async (event) => {
  const { id } = getValidParams(event, IdParamSchema)
  return getVenue(useDb(), id)
})
