/**
 * nuxt-auth skips the session while rendering the cached public pages (routeRules
 * `auth.disableServerSideAuth`, nuxt.config.ts), but in the browser it decides again from
 * its global setting alone: it fetched the session before hydrating, rendered the header
 * as logged in over the server's "not known yet", and Vue threw the mismatched nodes away
 * (the seat map lost its keyboard focus with them). When the server skipped the session,
 * the browser does too until the page is mounted, as nuxt-auth intends for such routes.
 * `$sessionSkippedOnServer` keeps that for the header (LayoutAppHeader.vue): nuxt-auth's own
 * state changes as soon as the session arrives, which can be before the header hydrates.
 */
export default defineNuxtPlugin({
  name: 'auth-hydration',
  enforce: 'pre',
  setup(nuxtApp) {
    const skipped = nuxtApp.payload.state['$sauth:loading'] === true
    if (skipped) {
      const auth = useRuntimeConfig().public.auth as { disableServerSideAuth?: boolean }
      auth.disableServerSideAuth = true
    }
    return { provide: { sessionSkippedOnServer: skipped } }
  },
})
