import { IdParamSchema } from '#shared/schemas/account'
import { ScreeningPatchSchema } from '#shared/schemas/catalog'
import { updateScreening } from '../../domain/screenings'

export default defineEventHandler(async (event) => {
  const { id } = getValidParams(event, IdParamSchema)
  const patch = await readValidBody(event, ScreeningPatchSchema)
  await requireAdmin(event)
  const screening = await updateScreening(useDb(), id, patch)
  if (!screening) throw createError({ statusCode: 404, statusMessage: 'Not Found', message: 'No such screening' })
  await invalidateCatalog()
  return screening
})
