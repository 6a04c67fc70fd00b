import { chromium } from 'playwright-core'
import type { Browser } from 'playwright-core'

/** The system Chromium (no browser is ever downloaded), headless, offline-friendly. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  })
}
