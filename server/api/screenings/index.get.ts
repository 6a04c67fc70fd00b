import { ScreeningListQuerySchema } from '#shared/schemas/catalog'
import { listScreenings } from '~~/server/domain/catalog'

export default defineEventHandler(async (event) => {
  const query = getValidQuery(event, ScreeningListQuerySchema)
  const user = await optionalUser(event)
  // Anyone sees what is upcoming, whatever `from` they send; admins may also look back
  // (everything without a `from`, or from the date they give).
  const now = new Date()
  const from = user?.role === 'admin'
    ? query.from
    : query.from && new Date(query.from) > now ? query.from : now.toISOString()
  return listScreenings(useDb(), { ...query, from })
})
