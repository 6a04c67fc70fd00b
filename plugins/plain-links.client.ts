/**
 * In-app navigation for plain links: `<a href="/screenings/7" data-nav>`. Long lists of
 * links (a venue's hundred showtimes, the catalogue's cards) are written as plain anchors
 * rather than one <NuxtLink> each: every NuxtLink is two components that resolve their
 * route on the server, most of a list's render. This one listener gives them what NuxtLink
 * gives a visitor: a plain left click changes page inside the app (no reload), while a
 * modified or middle click, a `target` or a download is left to the browser; pointing at or
 * focusing a link loads its page's code ahead of the click, as NuxtLink's prefetch does.
 */
export default defineNuxtPlugin(() => {
  const router = useRouter()
  const preloaded = new Set<string>()

  function appLink(target: EventTarget | null): HTMLAnchorElement | null {
    const a = target instanceof Element ? target.closest<HTMLAnchorElement>('a[data-nav]') : null
    if (!a || a.target || a.hasAttribute('download') || a.origin !== location.origin) return null
    return a
  }

  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return
    const a = appLink(event.target)
    if (!a) return
    event.preventDefault()
    void navigateTo(a.pathname + a.search + a.hash)
  })

  function preload(event: Event) {
    const a = appLink(event.target)
    if (!a || preloaded.has(a.pathname)) return
    preloaded.add(a.pathname)
    void preloadRouteComponents(a.pathname, router)
  }
  document.addEventListener('pointerover', preload, { passive: true })
  document.addEventListener('focusin', preload)
})
