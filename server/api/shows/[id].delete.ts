import { IdParamSchema } from '#shared/schemas/common'
import { deletePosterFiles, deleteShow } from '~~/server/domain/catalog'

export default defineEventHandler(async (event) => {
  const { id } = getValidParams(event, IdParamSchema)
  await requireAdmin(event)
  const deleted = await deleteShow(useDb(), id)
  if (deleted.posterKey) await deletePosterFiles(usePosterStorage(), deleted.posterKey)
  await invalidateCatalog()
  setResponseStatus(event, 204, 'No Content')
  return null
})
