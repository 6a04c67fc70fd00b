import { IdParamSchema } from '#shared/schemas/common'
import { getOutboxEmail } from '~~/server/domain/mail'

export default defineEventHandler(async (event) => {
  const { id } = getValidParams(event, IdParamSchema)
  await requireAdmin(event)
  return getOutboxEmail(useDb(), id)
})
