import { IdParamSchema } from '#shared/schemas/common'

export default defineEventHandler(async (event) => {
  const { id } = getValidParams(event, IdParamSchema)
  return publicShow(id)
})
