import { IdParamSchema } from '#shared/schemas/account'
import { bookingIcs } from '../../../domain/bookings'

export default defineEventHandler(async (event) => {
  const { id } = getValidParams(event, IdParamSchema)
  const user = await requireApprovedUser(event)
  const ics = await bookingIcs(useDb(), user.id, id, useRuntimeConfig().public.siteUrl)
  if (!ics) throw createError({ statusCode: 404, statusMessage: 'Not Found', message: 'No such booking' })
  setResponseHeaders(event, {
    'Content-Type': 'text/calendar; charset=utf-8',
    'Content-Disposition': `attachment; filename="ticketshow-${ics.reference}.ics"`,
  })
  return ics.ics
})
