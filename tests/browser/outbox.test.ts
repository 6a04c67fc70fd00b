import { mkdirSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { headerUsername, launchBrowser, open, visible } from '../helpers/browser'
import { blankIcons, danglingLabels, lowContrastText } from './a11y'
import { ADMIN, login, startServer } from '../helpers/server'
import type { TestServer } from '../helpers/server'

// The captured outbox as an admin reads it: with no SMTP server configured, a new user's
// welcome email waits at /admin/outbox, rendered in a sandboxed frame, as text and headers.

const SHOTS = '/tmp/ticketshow-shots'

let server: TestServer
let browser: Browser

beforeAll(async () => {
  server = await startServer()
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  await server?.stop()
})

describe('/admin/outbox', () => {
  it('lists a captured email and shows its rendered HTML, plain text and headers', async () => {
    const username = `reader${Date.now().toString(36)}`
    expect((await server.request('POST', '/api/auth/register', { body: { username, email: `${username}@example.test`, password: 'correct-horse-battery' } })).status).toBe(201)
    const adminToken = await login(server, ADMIN.username, ADMIN.password)
    await expect.poll(async () => (await server.request('GET', `/api/admin/outbox?status=captured&q=${username}`, { token: adminToken })).body.total).toBe(1)

    const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 800 } })
    try {
      const page = await context.newPage()
      await open(page, '/login')
      await page.getByLabel('Username').fill(ADMIN.username)
      await page.getByLabel('Password').fill(ADMIN.password)
      await page.getByRole('button', { name: 'Log in' }).click()
      await expect.poll(() => headerUsername(page).textContent()).toBe(ADMIN.username)

      await open(page, '/admin/outbox')
      await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Outbox' }).waitFor()
      await page.getByLabel('Search emails by recipient or subject').fill(username)
      const row = await visible(page.getByRole('row').filter({ hasText: `${username}@example.test` }))
      await expect.poll(() => row.textContent()).toContain('Captured')
      expect(await row.textContent()).toContain('Welcome to TicketShow')

      await row.getByRole('button', { name: /^Open the email/ }).click()
      const dialog = await visible(page.getByRole('dialog'))
      const frame = await visible(dialog.locator('iframe[sandbox=""]'))
      expect(await frame.getAttribute('title')).toContain('Welcome to TicketShow')
      await visible(page.frameLocator('iframe[sandbox=""]').getByRole('heading', { name: `Thanks for registering, ${username}` }))

      await dialog.getByRole('tab', { name: 'Plain text' }).click()
      await visible(dialog.getByText(`Thanks for registering, ${username}`))
      await dialog.getByRole('tab', { name: 'Headers' }).click()
      await visible(dialog.getByText('registration:', { exact: false }))

      await dialog.getByRole('tab', { name: 'Rendered' }).click()
      await visible(page.frameLocator('iframe[sandbox=""]').getByRole('link', { name: 'See what is on' }))
      mkdirSync(SHOTS, { recursive: true })
      await page.screenshot({ path: `${SHOTS}/admin-outbox.png` })
      expect(await danglingLabels(page)).toEqual([])
      expect(await lowContrastText(page)).toEqual([])
      expect(await blankIcons(page)).toEqual([])
    }
    finally {
      await context.close()
    }
  })
})
