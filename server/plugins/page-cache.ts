import type { H3Event } from 'h3'

/**
 * A public page this process holds is found as the request arrives and sent by the first
 * handler of all, ahead of the built assets' lookup, the route rules, nuxt-security and the
 * middleware: none of them has anything to add to it. The page carries the headers of its
 * render (its CSP and that CSP's nonce among them), so nuxt-security's own request hooks,
 * which would work out the route's rules and a fresh nonce, are told to stand aside; the
 * request hooks that every answer needs (the request id, the access line and the metrics,
 * HSTS, Connection: close while stopping) have run. The public pages are not rate-limited
 * (only the catalogue's API is), so nothing that limits abuse is skipped. A page not held
 * here goes the usual way, to middleware/30.page-cache.ts. The request's cache key is
 * worked out here, once, for both.
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

  const app = nitroApp.h3App
  app.use(defineEventHandler((event) => {
    if (event.context.heldPage) sendPage(event, event.context.heldPage)
  }))
  app.stack.unshift(app.stack.pop()!)
})

declare module 'h3' {
  interface H3EventContext {
    /** The public page's cache key of this request, or null for any other (plugins/page-cache.ts). */
    pageKey?: string | null
    /** The cached public page found for this request (plugins/page-cache.ts). */
    heldPage?: CachedPage
  }
}
