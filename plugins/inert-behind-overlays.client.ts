/**
 * While a modal overlay of Nuxt UI is open (the account menu, a select's list, a dialog),
 * Reka UI hides the rest of the page from assistive technology with `aria-hidden` (the
 * `aria-hidden` package, which marks each node it hides with `data-aria-hidden`), but its
 * links and buttons stay focusable, and a screen reader can land on content it was told
 * is not there (WCAG 4.1.2; axe-core's aria-hidden-focus). Each node so marked is made
 * `inert` as well, so nothing behind the overlay can be focused or clicked, and is made
 * live again when the overlay lets it go (before the overlay gives the focus back, which
 * it does in a timeout of its own).
 * Upstream: https://github.com/unovue/reka-ui/issues/2922 (the menu: #2324)
 */
export default defineNuxtPlugin(() => {
  const MARKER = 'data-aria-hidden'
  const madeInert = new WeakSet<Element>()
  function sync(el: Element) {
    if (el.hasAttribute(MARKER)) {
      if (el.hasAttribute('inert')) return
      el.setAttribute('inert', '')
      madeInert.add(el)
    }
    else if (madeInert.has(el)) {
      el.removeAttribute('inert')
      madeInert.delete(el)
    }
  }
  new MutationObserver((records) => {
    for (const record of records) if (record.target instanceof Element) sync(record.target)
  }).observe(document.body, { subtree: true, attributes: true, attributeFilter: [MARKER] })
})
