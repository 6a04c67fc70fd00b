import { bookingsCsv } from '~~/server/domain/booking'

export default defineEventHandler(async (event) => {
  const user = await requireApprovedUser(event)
  const csv = await bookingsCsv(useDb(), user.id, useRuntimeConfig().public.currency)
  setResponseHeaders(event, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': 'attachment; filename="ticketshow-bookings.csv"',
  })
  return '\uFEFF' + csv
})
