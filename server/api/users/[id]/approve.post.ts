import { IdParamSchema } from '#shared/schemas/common'
import { approveUser } from '~~/server/domain/accounts'

export default defineEventHandler(async (event) => {
  const { id } = getValidParams(event, IdParamSchema)
  await requireAdmin(event)
  const user = await approveUser(useDb(), id, new Date(), useMailContext())
  requestMailFlush()
  return { user }
})
