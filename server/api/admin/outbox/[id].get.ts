import { IdParamSchema } from '#shared/schemas/common'
import { getOutboxEmail } from '~~/server/domain/mail'
import { renderReport } from '~~/server/domain/reporting'

// One email in full, rendered from its stored data when that is how it was kept.
export default defineEventHandler(async (event) => {
  await requireAdmin(event)
  const { id } = getValidParams(event, IdParamSchema)
  return getOutboxEmail(useDb(), id, renderReport)
})
