import { ScreeningCreateSchema } from '#shared/schemas/catalog'
import { createScreening } from '~~/server/domain/catalog'

export default defineEventHandler(async (event) => {
  const input = await readValidBody(event, ScreeningCreateSchema)
  await requireAdmin(event)
  const screening = await createScreening(useDb(), input)
  await invalidateCatalog()
  setResponseStatus(event, 201, 'Created')
  return screening
})
