/**
 * Served over HTTPS (NUXT_PUBLIC_SITE_URL https://…): HSTS on every response (browsers use
 * HTTPS only, for a year, subdomains included) and the session cookie marked `Secure`
 * (nuxt-auth sets the cookie in the browser from the public runtime config the page
 * carries, so it is set in each request's copy). Over plain HTTP neither means anything.
 */
export default defineNitroPlugin((nitroApp) => {
  if (!String(useRuntimeConfig().public.siteUrl).startsWith('https://')) return
  nitroApp.hooks.hook('request', (event) => {
    setResponseHeader(event, 'Strict-Transport-Security', 'max-age=31536000; includeSubDomains')
    const auth = useRuntimeConfig(event).public.auth as { provider?: { token?: { secureCookieAttribute?: boolean } } } | undefined
    if (auth?.provider?.token) auth.provider.token.secureCookieAttribute = true
  })
})
