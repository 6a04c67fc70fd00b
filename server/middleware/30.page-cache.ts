// The public pages come from the cache (utils/page-cache.ts), compressed as the browser
// accepts. A page that is not cacheable (an error page, a personal visit) renders as usual.
export default defineEventHandler(async (event) => {
  // Worked out as the request arrived (plugins/page-cache.ts).
  const key = event.context.pageKey === undefined ? requestPageKey(event) : event.context.pageKey
  if (!key) return
  const page = event.context.heldPage ?? await cachedPage(key)
  if (!page) return
  setResponseHeaders(event, page.headers)
  setResponseHeader(event, 'Vary', 'Accept-Encoding')
  const accepts = String(getRequestHeader(event, 'accept-encoding') ?? '')
  const encoding = /\bbr\b/.test(accepts) ? 'br' : /\bgzip\b/.test(accepts) ? 'gzip' : undefined
  const body = encoding ? page[encoding] : page.body
  if (encoding) setResponseHeader(event, 'Content-Encoding', encoding)
  setResponseHeader(event, 'Content-Length', body.length)
  return event.method === 'HEAD' ? '' : body
})
