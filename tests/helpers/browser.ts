import { chromium } from 'playwright-core'
import type { Browser, Locator, Page } from 'playwright-core'

/** The system Chromium (no browser is ever downloaded), headless, offline-friendly. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  })
}

interface NuxtAppInPage {
  isHydrating: boolean
  /** In-flight useFetch/useAsyncData calls by key (Nuxt deletes or clears a key when it settles). */
  _asyncDataPromises?: Record<string, unknown>
  /** useState values by key; nuxt-auth's `auth:loading` is true until it knows the session. */
  payload?: { state?: Record<string, unknown> }
}

/**
 * Waits until Vue has hydrated the page, no useFetch/useAsyncData call is in flight and the
 * session is known (a cached public page asks for it once mounted): the page shows what its
 * data says, and a click reaches a handler that stays. Acting earlier
 * races the page (a row about to be replaced by a pending fetch, a button not yet wired up),
 * and on a busy machine that race is lost now and then.
 */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const app = (window as unknown as { useNuxtApp?: () => NuxtAppInPage }).useNuxtApp?.()
    // Hydrated, no data fetch in flight, and the session known (a cached public page asks
    // for it only once it is mounted).
    return !!app && !app.isHydrating && Object.values(app._asyncDataPromises ?? {}).every(p => p === undefined)
      && app.payload?.state?.['$sauth:loading'] !== true
  })
}

/** Opens a path and waits until it is hydrated and its data has settled. */
export async function open(page: Page, path: string): Promise<void> {
  await page.goto(path)
  await settled(page)
}

/** Waits for the locator to be visible and returns it. */
export async function visible(locator: Locator): Promise<Locator> {
  await locator.waitFor({ state: 'visible' })
  return locator
}

/** The username in the header's account menu (absent while nobody is logged in). */
export function headerUsername(page: Page): Locator {
  return page.getByRole('banner').getByTestId('header-username')
}
