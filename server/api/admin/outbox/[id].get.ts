import { IdParamSchema } from '#shared/schemas/common'
import { getOutboxEmail } from '~~/server/domain/mail'

export default defineEventHandler(async (event) => {
  await requireAdmin(event)
  const { id } = getValidParams(event, IdParamSchema)
  return getOutboxEmail(useDb(), id)
})
