import { IdParamSchema } from '#shared/schemas/common'
import { getBooking } from '~~/server/domain/booking'

export default defineEventHandler(async (event) => {
  const user = await requireApprovedUser(event)
  const { id } = getValidParams(event, IdParamSchema)
  return withTicketCode(await getBooking(useDb(), user.id, id))
})
