import { ShowListQuerySchema } from '#shared/schemas/catalog'
import { listShows } from '~~/server/domain/catalog'

export default defineEventHandler(async (event) => {
  const query = getValidQuery(event, ShowListQuerySchema)
  if (query.all) {
    // Every show, also those with nothing scheduled: for admins only, never cached.
    await requireAdmin(event)
    return listShows(useDb(), query, { isAdmin: true })
  }
  return publicShows(query)
})
