// While TicketShow cannot serve (still migrating at start-up, or its database unreachable),
// every route answers 503 with Retry-After at once, instead of failing oddly or waiting on
// connection timeouts; /api/health still looks for itself, and built assets are served.
// The gate shuts on the first request that finds the database gone and opens again as
// soon as a probe gets an answer (utils/db-availability.ts).
export default defineEventHandler((event) => {
  if (event.path.startsWith('/api/health') || event.path.startsWith('/_nuxt/') || event.path.startsWith('/api/_')) return
  const starting = !useDbState().ready
  if (!starting && !databaseDown()) return
  // Pages while starting are left to render: they call the API, which says it is starting.
  if (starting && !event.path.startsWith('/api/')) return
  setResponseHeader(event, 'Retry-After', starting ? 2 : 5)
  throw httpError(503, starting ? 'TicketShow is starting; try again in a moment' : DATABASE_DOWN)
})
