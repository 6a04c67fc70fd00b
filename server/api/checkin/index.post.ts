import { CheckinSchema } from '#shared/schemas/checkin'
import { checkIn } from '~~/server/domain/checkin'

// Lets a ticket in at the door, once: by the code its QR carries, or by the reference typed in.
export default defineEventHandler(async (event) => {
  const staff = await requireStaff(event)
  await useRateLimits().consume('checkin', String(staff.id))
  const ticket = await readValidBody(event, CheckinSchema)
  return checkIn(useDb(), useTicketKey(), ticket, staff.id)
})
