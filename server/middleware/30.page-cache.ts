// The public pages come from the cache (utils/page-cache.ts), compressed as the browser
// accepts. A page that is not cacheable (an error page, a personal visit) renders as usual;
// one this process holds was sent before any middleware ran (plugins/page-cache.ts).
export default defineEventHandler(async (event) => {
  const key = event.context.pageKey === undefined ? requestPageKey(event) : event.context.pageKey
  if (!key) return
  const page = await cachedPage(key)
  if (page) sendPage(event, page)
})
