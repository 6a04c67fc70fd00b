import { IdParamSchema } from '#shared/schemas/common'
import { cancelScreening } from '~~/server/domain/booking'

export default defineEventHandler(async (event) => {
  await requireAdmin(event)
  const { id } = getValidParams(event, IdParamSchema)
  const cancelled = await cancelScreening(useDb(), id, new Date(), useMailContext())
  await invalidateCatalog()
  if (cancelled.length) requestMailFlush()
  announceSeats(id, { resync: true })
  setResponseStatus(event, 204, 'No Content')
  return null
})
