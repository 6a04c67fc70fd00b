/**
 * `useFetch` for the TicketShow API: the same options and return, sending the session's
 * bearer token through `$api` (plugins/api.ts), on the server as in the browser.
 * Actions (a POST, a DELETE) call `useNuxtApp().$api` directly.
 */
export const useApiFetch = createUseFetch(() => ({ $fetch: useNuxtApp().$api }))

// What plugins/api.ts provides, spelled out on `nuxt/app`: the tests' type check
// (tests/tsconfig.json, with the server's paths) sees the app's composables but has no
// `#app` alias, under which Nuxt declares the plugins' injections, so `$api` would be unknown.
declare module 'nuxt/app' {
  interface NuxtApp {
    $api: typeof $fetch
  }
}
