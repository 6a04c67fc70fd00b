import { IdParamSchema } from '#shared/schemas/account'
import { cancelScreening } from '../../domain/screenings'

export default defineEventHandler(async (event) => {
  const { id } = getValidParams(event, IdParamSchema)
  await requireAdmin(event)
  const cancelled = await cancelScreening(useDb(), id, new Date(), useMailContext())
  if (!cancelled) throw createError({ statusCode: 404, statusMessage: 'Not Found', message: 'No such screening' })
  await invalidateCatalog()
  if (cancelled.length) requestMailFlush()
  setResponseStatus(event, 204, 'No Content')
  return null
})
