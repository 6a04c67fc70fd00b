import { IdParamSchema } from '#shared/schemas/account'
import { getScreeningDetail } from '../../domain/screenings'

// Never cached: the seat map must be current.
export default defineEventHandler(async (event) => {
  const { id } = getValidParams(event, IdParamSchema)
  const screening = await getScreeningDetail(useDb(), id)
  if (!screening) throw createError({ statusCode: 404, statusMessage: 'Not Found', message: 'No such screening' })
  return screening
})
