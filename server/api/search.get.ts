import { SearchQuerySchema } from '#shared/schemas/catalog'

export default defineEventHandler(async (event) => {
  const { q } = getValidQuery(event, SearchQuerySchema)
  return publicSearch(q)
})
