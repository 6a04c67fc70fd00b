let waitingForHeading: MutationObserver | undefined

/**
 * Moves the keyboard focus to the page's main heading (its `<h1>` inside `<main id="main">`,
 * made focusable with tabindex="-1"): after a client-side page change a screen reader then
 * reads where the person has arrived, and the next Tab starts from the top of the new page
 * instead of from wherever the old one left the focus. A page whose heading comes with its
 * data (a skeleton first) has `<main>` focused meanwhile, and its heading once it is there,
 * unless the person has moved on. A field the page focused by itself (an autofocus) keeps
 * the focus.
 */
export function focusPageHeading(): void {
  waitingForHeading?.disconnect()
  const main = document.getElementById('main')
  const active = document.activeElement
  if (!main || (active !== main && main.contains(active))) return
  const heading = main.querySelector('h1')
  if (heading) return focusHeading(heading)
  focusMain({ preventScroll: true })
  const observer = waitingForHeading = new MutationObserver(() => {
    const h1 = main.querySelector('h1')
    if (!h1) return
    observer.disconnect()
    if (document.activeElement === main) focusHeading(h1)
  })
  observer.observe(main, { childList: true, subtree: true })
  main.addEventListener('blur', () => observer.disconnect(), { once: true })
}

function focusHeading(heading: HTMLElement) {
  if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1')
  heading.focus({ preventScroll: true })
}

/**
 * Moves the keyboard focus to `<main id="main">` (the skip link's target). It is focusable
 * only until it loses the focus or is clicked: a `<main>` focusable for good would take the
 * focus at every click on its text, and the next Tab would start over from its top.
 */
export function focusMain(options?: FocusOptions): void {
  const main = document.getElementById('main')
  if (!main) return
  const controller = new AbortController()
  const release = () => {
    main.removeAttribute('tabindex')
    controller.abort()
  }
  main.setAttribute('tabindex', '-1')
  main.addEventListener('blur', release, { signal: controller.signal })
  main.addEventListener('pointerdown', release, { signal: controller.signal })
  main.focus(options)
}
