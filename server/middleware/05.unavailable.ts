// While TicketShow cannot serve (still starting, or its database unreachable), every route
// answers 503 with Retry-After instead of failing oddly or waiting on connection timeouts;
// /api/health still looks for itself, and built assets are served. A request that arrives
// while the server is starting waits for it for up to 10 seconds first: a serverless cold
// start (which only checks the schema) answers its first request normally. The gate shuts
// on the first request that finds the database gone and opens again as soon as a probe gets
// an answer (utils/db-availability.ts).
export default defineEventHandler(async (event) => {
  if (event.path.startsWith('/api/health') || event.path.startsWith('/_nuxt/') || event.path.startsWith('/api/_')) return
  const starting = !(await startedWithin(10_000))
  if (!starting && !databaseDown()) return
  // Pages while starting are left to render: they call the API, which says it is starting.
  if (starting && !event.path.startsWith('/api/')) return
  setResponseHeader(event, 'Retry-After', starting ? 2 : 5)
  const behind = useDbState().behind
  if (starting && behind) throw httpError(503, `The database schema is behind this build (${behind.length} migrations missing); the deploy step \`npm run db:migrate\` has not run`)
  throw httpError(503, starting ? 'TicketShow is starting; try again in a moment' : DATABASE_DOWN)
})
