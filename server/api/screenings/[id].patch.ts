import { IdParamSchema } from '#shared/schemas/common'
import { ScreeningPatchSchema } from '#shared/schemas/catalog'
import { updateScreening } from '~~/server/domain/catalog'

export default defineEventHandler(async (event) => {
  await requireAdmin(event)
  const { id } = getValidParams(event, IdParamSchema)
  const patch = await readValidBody(event, ScreeningPatchSchema)
  const screening = await updateScreening(useDb(), id, patch)
  await invalidateCatalog()
  return screening
})
