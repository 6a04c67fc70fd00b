import { send, setResponseHeader, setResponseHeaders, setResponseStatus } from 'h3'
import { defineNitroErrorHandler } from 'nitropack/runtime'
import { isDatabaseUnavailable } from './db/errors'
import { reportDatabaseUnavailable } from './utils/db-availability'
import { toHttpError } from './utils/errors'
import { requestLogger } from './utils/logger'

// Nitro's error handler, ahead of Nuxt's (nuxt.config.ts puts it first). An error under
// /api/ is answered here, as JSON in the documented shape and nothing more: no `url`, no
// stack, no `error: true`. Any other error (a page, a poster) is turned into its HTTP error
// and left to Nuxt, which renders the error page.
export default defineNitroErrorHandler(async (error, event, { defaultHandler }) => {
  const http = toHttpError(error)
  const cause = error.cause ?? error
  if (isDatabaseUnavailable(cause)) {
    reportDatabaseUnavailable(cause)
    setResponseHeader(event, 'Retry-After', 5)
  }
  if (!event.path.startsWith('/api/')) {
    Object.assign(error, { statusCode: http.statusCode, statusMessage: http.statusMessage, message: http.message, data: http.data, unhandled: http.unhandled })
    return
  }
  // An unexpected error is logged with the request's id; Nitro's own handler gives the safe
  // headers of a JSON error.
  if (http.unhandled) requestLogger(event).error({ err: cause, method: event.method, path: event.path }, 'unhandled error')
  const res = await defaultHandler(http, event, { json: true, silent: true })
  setResponseHeaders(event, res.headers)
  setResponseStatus(event, http.statusCode, http.statusMessage)
  const data = http.data as Record<string, unknown> | undefined
  if (http.statusCode === 429 && typeof data?.retryAfter === 'number') setResponseHeader(event, 'Retry-After', data.retryAfter)
  const body = { statusCode: http.statusCode, statusMessage: http.statusMessage!, message: http.message, ...(data !== undefined && { data }) }
  return send(event, JSON.stringify(body), 'application/json')
})
