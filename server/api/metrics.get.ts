/**
 * Prometheus metrics of this instance (text exposition format): for a scraper sending
 * `Authorization: Bearer $NUXT_METRICS_TOKEN`, or for an admin's login.
 */
export default defineEventHandler(async (event) => {
  if (!bearerIs(event, String(useRuntimeConfig().metricsToken || ''))) await requireAdmin(event)
  const { registry } = useMetrics()
  setResponseHeader(event, 'Content-Type', registry.contentType)
  return registry.metrics()
})
