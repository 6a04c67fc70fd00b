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

/** Waits until Vue has hydrated the page, so clicks and keys reach the app. */
export async function hydrated(page: Page): Promise<void> {
  await page.waitForFunction(() => (window as unknown as { useNuxtApp?: () => { isHydrating: boolean } }).useNuxtApp?.().isHydrating === false)
}

/** Opens a path and waits until it is hydrated. */
export async function open(page: Page, path: string): Promise<void> {
  await page.goto(path)
  await hydrated(page)
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
