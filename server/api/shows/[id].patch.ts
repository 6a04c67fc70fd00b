import { IdParamSchema } from '#shared/schemas/common'
import { ShowPatchSchema } from '#shared/schemas/catalog'
import { updateShow } from '~~/server/domain/catalog'

export default defineEventHandler(async (event) => {
  await requireAdmin(event)
  const { id } = getValidParams(event, IdParamSchema)
  const patch = await readValidBody(event, ShowPatchSchema)
  const show = await updateShow(useDb(), id, patch)
  await invalidateCatalog()
  return show
})
