import { exportAccount } from '~~/server/domain/accounts'

// Everything TicketShow holds about the caller, as a JSON download.
export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const data = await exportAccount(useDb(), user.id)
  setResponseHeader(event, 'Content-Disposition', `attachment; filename="ticketshow-${user.username}.json"`)
  setResponseHeader(event, 'Content-Type', 'application/json; charset=utf-8')
  return JSON.stringify(data, null, 2)
})
