import { IdParamSchema } from '#shared/schemas/common'
import { deletePosterFiles, deleteShow } from '~~/server/domain/catalog'

export default defineEventHandler(async (event) => {
  await requireAdmin(event)
  const { id } = getValidParams(event, IdParamSchema)
  const deleted = await deleteShow(useDb(), id)
  if (deleted.posterKey) await deletePosterFiles(usePosterStorage(), deleted.posterKey)
  await invalidateCatalog()
  setResponseStatus(event, 204, 'No Content')
  return null
})
