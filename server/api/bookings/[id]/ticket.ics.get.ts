import { IdParamSchema } from '#shared/schemas/common'
import { bookingIcs } from '~~/server/domain/booking'

export default defineEventHandler(async (event) => {
  const user = await requireApprovedUser(event)
  const { id } = getValidParams(event, IdParamSchema)
  const ics = await bookingIcs(useDb(), user.id, id, useRuntimeConfig().public.siteUrl)
  setResponseHeaders(event, {
    'Content-Type': 'text/calendar; charset=utf-8',
    'Content-Disposition': `attachment; filename="ticketshow-${ics.reference}.ics"`,
  })
  return ics.ics
})
