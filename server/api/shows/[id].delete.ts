import { IdParamSchema } from '#shared/schemas/account'
import { deleteShow } from '../../domain/shows'
import { deletePosterFiles } from '../../domain/posters'

export default defineEventHandler(async (event) => {
  const { id } = getValidParams(event, IdParamSchema)
  await requireAdmin(event)
  const deleted = await deleteShow(useDb(), id)
  if (!deleted) throw createError({ statusCode: 404, statusMessage: 'Not Found', message: 'No such show' })
  if (deleted.posterKey) await deletePosterFiles(usePosterStorage(), deleted.posterKey)
  await invalidateCatalog()
  setResponseStatus(event, 204, 'No Content')
  return null
})
