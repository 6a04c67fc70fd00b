import { IdParamSchema } from '#shared/schemas/common'
import { WaitlistJoinSchema } from '#shared/schemas/booking'
import { joinWaitlist } from '~~/server/domain/booking'

// Joins the screening's waiting list: 201 with one's place in it; 409 while enough seats are
// free, or when one is on it already.
export default defineEventHandler(async (event) => {
  const user = await requireApprovedUser(event)
  const { id } = getValidParams(event, IdParamSchema)
  const input = await readValidBody(event, WaitlistJoinSchema)
  const entry = await joinWaitlist(useDb(), user.id, id, input)
  setResponseStatus(event, 201, 'Created')
  return entry
})
