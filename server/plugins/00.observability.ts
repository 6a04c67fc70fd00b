import { randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import type { H3Event } from 'h3'

// Logs and metrics for every request, before any other plugin speaks:
// - console.* goes through the logger (JSON lines with levels; utils/logger.ts), so what
//   TicketShow, Nitro and the libraries print is collected the same way;
// - each request gets an id: the X-Request-Id a proxy sent (when it looks like one), or a
//   new UUID, echoed in the response's X-Request-Id and in every log line it causes;
// - each answer is one access line (`request`: method, path, status, ms) and is counted in
//   the metrics (utils/metrics.ts). Built assets, health probes and the requests a page
//   makes to this server while it renders are logged at debug level only.

const REQUEST_ID = /^[\w.:@/+=-]{8,128}$/
const QUIET = /^\/(?:_nuxt\/|api\/health|api\/metrics|favicon)/

export default defineNitroPlugin((nitroApp) => {
  const log = useLogger()
  const levels = { debug: 'debug', log: 'info', info: 'info', warn: 'warn', error: 'error' } as const
  for (const [method, level] of Object.entries(levels) as [keyof typeof levels, 'debug' | 'info' | 'warn' | 'error'][]) {
    console[method] = (...args: unknown[]) => {
      const [fields, msg] = consoleArgs(args)
      log[level](fields, msg)
    }
  }

  nitroApp.hooks.hook('request', (event) => {
    const started = performance.now()
    const { req, res } = event.node
    const given = req.headers['x-request-id']
    event.context.requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID()
    res.setHeader('X-Request-Id', event.context.requestId)
    // On the response itself rather than Nitro's afterResponse hook, which errors (answered
    // by the error handler) and pages sent from the cache never reach.
    let done = false
    const finished = () => {
      if (done) return
      done = true
      answered(event, performance.now() - started)
    }
    res.once('finish', finished)
    res.once('close', finished)
  })

  function answered(event: H3Event, ms: number) {
    const status = event.node.res.statusCode
    const route = routeLabel(event)
    const internal = isInternalRequest(event)
    if (!internal) countRequest(event, route, status, ms / 1000)
    const path = event.path
    const level = status >= 500 ? 'error' : internal || QUIET.test(path) ? 'debug' : 'info'
    if (!log.isLevelEnabled(level)) return
    requestLogger(event)[level]({ method: event.method, path, route, status, ms: Math.round(ms * 10) / 10, ...(internal && { internal: true }) }, 'request')
  }
})
