import { test as base, expect } from 'vitest'
import type { BrowserContext, BrowserContextOptions, Page } from 'playwright-core'
import { headerUsername, launchBrowser, open, visible } from './browser'
import { ADMIN, login, startServer } from './server'

export { headerUsername, open, settled, visible } from './browser'

// What every browser test file stands on: one built server on a fresh database and one
// Chromium per file; for each test, fresh browser contexts (their own cookies) whose every
// request is recorded, and at the end of the test a check that nothing was fetched from
// anywhere but the app itself (no web fonts, no icon API, no CDN), and that the pages'
// Content-Security-Policy blocked nothing (every page works under it).

/** Viewport and downloads as the tests expect them; a test passes more (colour scheme, a phone). */
const CONTEXT_DEFAULTS: BrowserContextOptions = { viewport: { width: 1280, height: 800 }, acceptDownloads: true }

// Vitest reads a fixture's dependencies from its first parameter, which must be an object
// pattern, empty for none (as in its docs).
/* eslint-disable no-empty-pattern */
export const test = base
  .extend('server', { scope: 'file' }, async ({}, { onCleanup }) => {
    const server = await startServer()
    onCleanup(() => server.stop())
    return server
  })
  .extend('browser', { scope: 'file' }, async ({}, { onCleanup }) => {
    const browser = await launchBrowser()
    onCleanup(() => browser.close())
    return browser
  })
  /* eslint-enable no-empty-pattern */
  .extend('adminToken', { scope: 'file' }, ({ server }) => login(server, ADMIN.username, ADMIN.password))
  /** Opens a fresh browser context on the test server; it is closed when the test ends. */
  .extend('newContext', ({ browser, server }, { onCleanup }) => {
    const contexts: BrowserContext[] = []
    const requested: string[] = []
    const blocked: string[] = []
    const mismatched: string[] = []
    onCleanup(async () => {
      await Promise.all(contexts.map(c => c.close()))
      const foreign = requested.filter(url => !url.startsWith(`${server.url}/`) && !url.startsWith('data:') && !url.startsWith('blob:'))
      expect(foreign, 'requests to anywhere but the test server').toEqual([])
      expect(requested.length, 'requests recorded').toBeGreaterThan(0)
      expect(blocked, 'what the Content-Security-Policy blocked').toEqual([])
      // A mismatch makes Vue throw the server's nodes away (and with them focus and scroll).
      expect(mismatched, 'pages that hydrated over a different server render').toEqual([])
    })
    return async (options: BrowserContextOptions = {}): Promise<BrowserContext> => {
      const context = await browser.newContext({ baseURL: server.url, ...CONTEXT_DEFAULTS, ...options })
      context.on('request', req => requested.push(req.url()))
      // Chromium reports each violation as a console error, and as an event in the page.
      await context.addInitScript(() => document.addEventListener('securitypolicyviolation', (e) => {
        console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline code'}`)
      }))
      context.on('console', (msg) => {
        if (msg.type() === 'error' && /Content Security Policy|CSP violation/i.test(msg.text())) blocked.push(`${msg.location().url}: ${msg.text()}`)
        if (msg.type() === 'error' && /Hydration completed but contains mismatches/i.test(msg.text())) mismatched.push(msg.page()?.url() ?? msg.location().url)
      })
      contexts.push(context)
      return context
    }
  })
  /** A page in a fresh browser context of its own. */
  .extend('newPage', ({ newContext }) => async (options?: BrowserContextOptions): Promise<Page> => (await newContext(options)).newPage())

export const it = test
export { describe, expect } from 'vitest'

let counter = 0
/** A name nobody has taken yet on this file's server. */
export function uniqueName(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${counter++}`
}

/** Types a username and password into the /login form (without sending it). */
export async function fillLogin(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Password').fill(password)
}

/** Logs in through the /login form and waits until the header greets the user. */
export async function logInThroughForm(page: Page, username: string, password: string): Promise<void> {
  await open(page, '/login')
  await fillLogin(page, username, password)
  await page.getByRole('button', { name: 'Log in' }).click()
  await expect.poll(() => headerUsername(page).textContent(), { timeout: 10_000 }).toBe(username)
}

/** Opens the admin dashboard through the header's account menu, as a logged-in admin would. */
export async function openAdminFromMenu(page: Page): Promise<void> {
  await page.getByRole('button', { name: `Account menu for ${ADMIN.username}` }).click()
  await page.getByRole('menuitem', { name: 'Admin' }).click()
  await page.waitForURL('**/admin')
  await visible(page.getByRole('heading', { name: 'Dashboard' }))
}
