import { IdParamSchema } from '#shared/schemas/common'
import { getBooking } from '~~/server/domain/booking'

export default defineEventHandler(async (event) => {
  const { id } = getValidParams(event, IdParamSchema)
  const user = await requireApprovedUser(event)
  return getBooking(useDb(), user.id, id)
})
