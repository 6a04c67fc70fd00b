import { ScreeningCreateSchema } from '#shared/schemas/catalog'
import { createScreening } from '~~/server/domain/catalog'

export default defineEventHandler(async (event) => {
  await requireAdmin(event)
  const input = await readValidBody(event, ScreeningCreateSchema)
  const screening = await createScreening(useDb(), input)
  await invalidateCatalog()
  setResponseStatus(event, 201, 'Created')
  return screening
})
