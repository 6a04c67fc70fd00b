/**
 * Nitro's useRuntimeConfig(event) makes a deep copy of the whole runtime config and reads
 * every NUXT_* variable again, for each request and each internal request a page makes: a
 * millisecond of a page's render. The environment does not change while the process runs,
 * so each request gets a copy of the one made at start-up, with the variables already in.
 * A copy, not the start-up object itself: nuxt-auth writes into its request's config.
 */
export default defineNitroPlugin((nitroApp) => {
  const shared = useRuntimeConfig()
  nitroApp.hooks.hook('request', (event) => {
    event.context.nitro ??= { errors: [] }
    event.context.nitro.runtimeConfig ??= structuredClone(shared)
  })
})
