import { ShowCreateSchema } from '#shared/schemas/catalog'
import { createShow } from '~~/server/domain/catalog'

export default defineEventHandler(async (event) => {
  await requireAdmin(event)
  const input = await readValidBody(event, ShowCreateSchema)
  const show = await createShow(useDb(), input)
  await invalidateCatalog()
  setResponseStatus(event, 201, 'Created')
  return show
})
