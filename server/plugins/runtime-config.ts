/**
 * Nitro's useRuntimeConfig(event) makes a deep copy of the whole runtime config and reads
 * every NUXT_* variable again, for each request and each internal request a page makes: a
 * millisecond of a page's render. The environment does not change while the process runs,
 * so a request that asks gets a plain copy of the one made at start-up, with the variables
 * already in; one that never asks (a cached page, most of the API) pays nothing. A copy, not
 * the start-up object itself: nuxt-auth writes into its request's config.
 */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

function copy(value: Json): Json {
  if (Array.isArray(value)) return value.map(copy)
  if (value === null || typeof value !== 'object') return value
  const out: { [key: string]: Json } = {}
  for (const key in value) out[key] = copy(value[key]!)
  return out
}

export default defineNitroPlugin((nitroApp) => {
  const shared = useRuntimeConfig() as unknown as Json
  nitroApp.hooks.hook('request', (event) => {
    event.context.nitro ??= { errors: [] }
    const nitro = event.context.nitro as { runtimeConfig?: unknown }
    if (nitro.runtimeConfig) return
    let own: unknown
    Object.defineProperty(nitro, 'runtimeConfig', {
      configurable: true,
      enumerable: true,
      get: () => own ??= copy(shared),
      set: (value) => {
        own = value
      },
    })
  })
})
