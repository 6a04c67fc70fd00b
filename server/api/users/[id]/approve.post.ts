import { IdParamSchema } from '#shared/schemas/common'
import { approveUser } from '~~/server/domain/accounts'

export default defineEventHandler(async (event) => {
  await requireAdmin(event)
  const { id } = getValidParams(event, IdParamSchema)
  const user = await approveUser(useDb(), id, new Date(), useMailContext())
  requestMailFlush()
  return { user }
})
