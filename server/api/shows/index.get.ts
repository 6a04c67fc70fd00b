import { ShowListQuerySchema } from '#shared/schemas/catalog'
import { listShows } from '~~/server/domain/catalog'

export default defineEventHandler(async (event) => {
  // `all=true` (every show, also those with nothing scheduled) is for admins only, asked for
  // before the rest of the query is looked at; it is never cached.
  const forAdmin = ShowListQuerySchema.shape.all.safeParse(getQuery(event).all).data === true
  if (forAdmin) await requireAdmin(event)
  const query = getValidQuery(event, ShowListQuerySchema)
  if (forAdmin) return listShows(useDb(), query, { isAdmin: true })
  return publicShows(query)
})
