import { ScreeningListQuerySchema } from '#shared/schemas/catalog'
import { listScreenings } from '../../domain/screenings'

export default defineEventHandler(async (event) => {
  const query = getValidQuery(event, ScreeningListQuerySchema)
  const user = await optionalUser(event)
  // Anyone sees what is upcoming; admins may also look back.
  const from = query.from ?? (user?.role === 'admin' ? undefined : new Date().toISOString())
  return listScreenings(useDb(), { ...query, from })
})
