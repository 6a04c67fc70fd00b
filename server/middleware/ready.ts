/** Until start-up has migrated the database, the API answers 503 instead of failing oddly. */
export default defineEventHandler((event) => {
  if (!event.path.startsWith('/api/') || event.path.startsWith('/api/_') || event.path.startsWith('/api/health')) return
  if (useDbState().ready) return
  setResponseHeader(event, 'Retry-After', 2)
  throw httpError(503, 'TicketShow is starting; try again in a moment')
})
