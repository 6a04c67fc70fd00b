/**
 * After a client-side change of page (a new path: not a filter or tab kept in the query),
 * the focus goes to the new page's main heading (utils/focusPageHeading.ts) once the page
 * has rendered with its data; <NuxtRouteAnnouncer> in app.vue reads out its title. The
 * first page the browser loads keeps the browser's own focus handling.
 */
export default defineNuxtPlugin((nuxtApp) => {
  let arrived = false
  useRouter().afterEach((to, from, failure) => {
    if (!failure && from.matched.length && to.path !== from.path) arrived = true
  })
  function focusIfArrived() {
    if (!arrived) return
    arrived = false
    // After the page's own mounted hooks (an autofocus runs in a timeout of its own).
    setTimeout(focusPageHeading)
  }
  // The page's Suspense resolving (its data fetched), or, for a page that needs none,
  // the end of the page change.
  nuxtApp.hook('page:finish', focusIfArrived)
  nuxtApp.hook('page:loading:end', focusIfArrived)
})
