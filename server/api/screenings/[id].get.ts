import { IdParamSchema } from '#shared/schemas/common'
import { getScreeningDetail } from '~~/server/domain/catalog'

// Never cached: the seat map must be current.
export default defineEventHandler(async (event) => {
  const { id } = getValidParams(event, IdParamSchema)
  return getScreeningDetail(useDb(), id)
})
