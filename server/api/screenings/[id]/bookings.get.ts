import { IdParamSchema } from '#shared/schemas/common'
import { listScreeningBookings } from '~~/server/domain/booking'

export default defineEventHandler(async (event) => {
  await requireAdmin(event)
  const { id } = getValidParams(event, IdParamSchema)
  const items = await listScreeningBookings(useDb(), id)
  return { items, total: items.length, page: 1, pageSize: items.length }
})
