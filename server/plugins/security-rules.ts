import type { H3Event } from 'h3'
import { createDefu } from 'defu'
import type { NuxtSecurityRouteRules } from 'nuxt-security'
import { createRouter, toRouteMatcher } from 'radix3'

/**
 * nuxt-security's rules for a request, worked out once per set of matching route patterns
 * instead of once per request. nuxt-security (2.5) builds a router over a structuredClone of
 * all its route rules for every request it sees, API calls and a page's own internal fetches
 * included: a ninth of the CPU of a cached catalogue answer. Its rules change only through
 * its 'nuxt-security:routeRules' and 'nuxt-security:headers' hooks, which empty this cache.
 *
 * The rules are merged as nuxt-security merges them (the most specific pattern wins, arrays
 * replaced, not joined), and each request gets its own copy of the merged object and of its
 * headers: nuxt-security writes the request's CSP, with its nonce, into `rules.headers`. This
 * plugin's request hook runs before nuxt-security's (server plugins run before a module's),
 * which take the rules it leaves in the request's context.
 */
type Rules = NuxtSecurityRouteRules & { headers?: Record<string, unknown> | false }

const merge = createDefu((obj, key, value) => {
  if (Array.isArray(obj[key]) || Array.isArray(value)) {
    obj[key] = value
    return true
  }
})

export default defineNitroPlugin((nitroApp) => {
  let options: Record<string, NuxtSecurityRouteRules> | undefined
  let matcher: ReturnType<typeof toRouteMatcher> | undefined
  const merged = new Map<string, Rules>()
  const forget = () => {
    matcher = undefined
    merged.clear()
  }
  nitroApp.hooks.hook('nuxt-security:routeRules', (routeRules) => {
    options = routeRules
    forget()
  })
  nitroApp.hooks.hook('nuxt-security:headers', forget)

  function rulesFor(path: string): Rules {
    matcher ??= toRouteMatcher(createRouter({ routes: Object.fromEntries(Object.keys(options!).map(pattern => [pattern, { pattern }])) }))
    const patterns = (matcher.matchAll(path) as { pattern: string }[]).map(m => m.pattern)
    const key = patterns.join('\n')
    let rules = merged.get(key)
    if (!rules) {
      rules = merge({}, ...structuredClone(patterns.map(p => options![p]!)).reverse()) as Rules
      merged.set(key, rules)
    }
    return rules
  }

  nitroApp.hooks.hook('request', (event: H3Event) => {
    if (!options || event.context.security?.rules) return
    const rules = rulesFor(event.path.split('?')[0]!)
    event.context.security = { ...event.context.security, rules: { ...rules, headers: rules.headers && { ...rules.headers } } }
  })
})
