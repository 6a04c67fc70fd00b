import type { H3Event } from 'h3'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import { onBatchCommitted } from '../db/write'

/**
 * The Prometheus metrics of this process (prom-client), read at GET /api/metrics: requests
 * and their latency by route, bookings made, changed and cancelled, the outbox backlog, the
 * group commit's batch sizes, and Node's own (CPU, memory, event loop lag, GC).
 */
export interface Metrics {
  registry: Registry
  requests: Counter<'method' | 'route' | 'status'>
  duration: Histogram<'method' | 'route'>
  bookings: Counter<'action'>
}

let metrics: Metrics | undefined

export function useMetrics(): Metrics {
  if (metrics) return metrics
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const requests = new Counter({ name: 'ticketshow_http_requests_total', help: 'HTTP requests answered, by method, route and status', labelNames: ['method', 'route', 'status'] as const, registers: [registry] })
  const duration = new Histogram({
    name: 'ticketshow_http_request_duration_seconds',
    help: 'Time from receiving a request to its answer being sent, by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  })
  const bookings = new Counter({ name: 'ticketshow_bookings_total', help: 'Bookings answered 2xx, by action (created, changed, moved, cancelled)', labelNames: ['action'] as const, registers: [registry] })
  const batches = new Histogram({ name: 'ticketshow_group_commit_batch_size', help: 'Writes committed together in one transaction by the group committer (the embedded database file)', buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256], registers: [registry] })
  onBatchCommitted(size => batches.observe(size))
  new Gauge({
    name: 'ticketshow_outbox_emails',
    help: 'Emails in the outbox waiting to be sent (pending) or given up on (failed)',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const rows = await useDb().selectFrom('outbox').select(eb => ['status', eb.fn.countAll<number>().as('n')]).where('status', 'in', ['pending', 'failed']).groupBy('status').execute()
      this.reset()
      for (const status of ['pending', 'failed']) this.set({ status }, Number(rows.find(r => r.status === status)?.n ?? 0))
    },
  })
  metrics = { registry, requests, duration, bookings }
  return metrics
}

const PAGE = /^\/(shows|venues|screenings|bookings|admin\/venues)\/\d+(?=\/|$)/
const PAGES = new Set(['/', '/login', '/register', '/bookings', '/account', '/admin', '/admin/venues', '/admin/shows', '/admin/screenings', '/admin/users', '/admin/outbox', '/admin/tasks', '/api/docs'])

/**
 * The route a request is counted under: its API route's pattern (`/api/bookings/:id`), a
 * page's (`/shows/:id`), `/_nuxt/*` for built assets and `/posters/*` for posters;
 * anything else is `other`, so a scan of random paths cannot grow the label set.
 */
export function routeLabel(event: H3Event): string {
  const matched = (event.context.matchedRoute as { path?: string } | undefined)?.path
  if (matched && matched !== '/**' && !matched.includes('**')) return matched
  const path = event.path.split('?')[0]!
  if (path.startsWith('/_nuxt/')) return '/_nuxt/*'
  if (path.startsWith('/posters/')) return '/posters/*'
  const page = PAGE.exec(path)
  if (page) return `/${page[1]}/:id${path.length > page[0].length ? '/*' : ''}`
  return PAGES.has(path) ? path : 'other'
}

const BOOKING_ACTIONS: Record<string, string> = {
  'POST /api/bookings': 'created',
  'PATCH /api/bookings/:id': 'changed',
  'POST /api/bookings/:id/move': 'moved',
  'DELETE /api/bookings/:id': 'cancelled',
}

/** Counts one answered request (the metrics plugin calls it once per response). */
export function countRequest(event: H3Event, route: string, status: number, seconds: number): void {
  const m = useMetrics()
  const method = event.method
  m.requests.inc({ method, route, status: String(status) })
  m.duration.observe({ method, route }, seconds)
  const action = status < 300 ? BOOKING_ACTIONS[`${method} ${route}`] : undefined
  if (action) m.bookings.inc({ action })
}
