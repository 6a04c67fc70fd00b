// Catalogue reads (search and listings) per client: generous for a person, a wall for a
// scraper walking every query. The requests a page makes to the server while it renders
// count as the page's own, not again.
export default defineEventHandler(async (event) => {
  if (event.method !== 'GET' || !BROWSE_ROUTE.test(event.path) || isInternalRequest(event)) return
  await useRateLimits().consume('browse', clientIp(event))
})
