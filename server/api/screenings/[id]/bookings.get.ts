import { IdParamSchema } from '#shared/schemas/account'
import { listScreeningBookings } from '../../../domain/bookings'

export default defineEventHandler(async (event) => {
  const { id } = getValidParams(event, IdParamSchema)
  await requireAdmin(event)
  const items = await listScreeningBookings(useDb(), id)
  if (!items) throw createError({ statusCode: 404, statusMessage: 'Not Found', message: 'No such screening' })
  return { items, total: items.length, page: 1, pageSize: items.length }
})
