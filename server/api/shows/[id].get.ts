import { IdParamSchema } from '#shared/schemas/account'

export default defineEventHandler(async (event) => {
  const { id } = getValidParams(event, IdParamSchema)
  const show = await publicShow(id)
  if (!show) throw createError({ statusCode: 404, statusMessage: 'Not Found', message: 'No such show' })
  return show
})
