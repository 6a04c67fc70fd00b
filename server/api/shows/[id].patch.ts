import { IdParamSchema } from '#shared/schemas/account'
import { ShowPatchSchema } from '#shared/schemas/catalog'
import { updateShow } from '../../domain/shows'

export default defineEventHandler(async (event) => {
  const { id } = getValidParams(event, IdParamSchema)
  const patch = await readValidBody(event, ShowPatchSchema)
  await requireAdmin(event)
  const show = await updateShow(useDb(), id, patch)
  if (!show) throw createError({ statusCode: 404, statusMessage: 'Not Found', message: 'No such show' })
  await invalidateCatalog()
  return show
})
