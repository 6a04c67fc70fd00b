import { IdParamSchema } from '#shared/schemas/common'
import { screeningWaitlist } from '~~/server/domain/booking'

// The screening's open waiting list, in order (admins).
export default defineEventHandler(async (event) => {
  await requireAdmin(event)
  const { id } = getValidParams(event, IdParamSchema)
  return screeningWaitlist(useDb(), id)
})
