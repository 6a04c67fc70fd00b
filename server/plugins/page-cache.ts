import type { H3Event } from 'h3'

/**
 * A public page this process holds is found as the request arrives, before nuxt-security's
 * own request hooks, and those are told to stand aside for it: the page carries the
 * headers of its render (its CSP and that CSP's nonce among them), so working out the
 * route's security rules and a fresh nonce again was a quarter of serving it.
 * middleware/30.page-cache.ts then sends it, after the rate limits; a page not held here
 * goes the usual way. The request's cache key is worked out here, once, for both.
 */
export default defineNitroPlugin((nitroApp) => {
  nitroApp.hooks.hook('request', (event: H3Event) => {
    const key = requestPageKey(event)
    event.context.pageKey = key
    const page = key ? heldPage(key) : undefined
    if (!page) return
    event.context.heldPage = page
    event.context.security = { rules: { enabled: false }, nonce: 'kept-with-the-page' }
  })
})

declare module 'h3' {
  interface H3EventContext {
    /** The public page's cache key of this request, or null for any other (plugins/page-cache.ts). */
    pageKey?: string | null
    /** The cached public page found for this request (plugins/page-cache.ts). */
    heldPage?: CachedPage
  }
}
