import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { unsubscribeToken } from '../../server/domain/mail'
import { headerUsername, launchBrowser, open, visible } from '../helpers/browser'
import { ADMIN, createApprovedUser, login, startServer } from '../helpers/server'
import type { TestServer } from '../helpers/server'

// The admin's Tasks page and the unsubscribe page in a real Chromium against the built server.

let server: TestServer
let browser: Browser
let adminToken: string
let contexts: BrowserContext[] = []

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 800 } })
  contexts.push(context)
  return context.newPage()
}

beforeAll(async () => {
  server = await startServer()
  browser = await launchBrowser()
  adminToken = await login(server, ADMIN.username, ADMIN.password)
})

afterEach(async () => {
  await Promise.all(contexts.map(c => c.close()))
  contexts = []
})

afterAll(async () => {
  await browser?.close()
  await server?.stop()
})

describe('scheduled work in the browser', () => {
  it('an admin runs the daily reminders from the Tasks page and sees the run recorded', async () => {
    const page = await newPage()
    await open(page, '/login')
    await page.getByLabel('Username').fill(ADMIN.username)
    await page.getByLabel('Password').fill(ADMIN.password)
    await page.getByRole('button', { name: 'Log in' }).click()
    await expect.poll(() => headerUsername(page).textContent()).toBe(ADMIN.username)
    await open(page, '/admin')
    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Tasks' }).click()
    await page.waitForURL('**/admin/tasks')
    await visible(page.getByRole('heading', { name: 'Tasks' }))

    const row = page.getByRole('row').filter({ hasText: 'reminders:daily' })
    await visible(row.getByText('Every day at 18:00 (Asia/Kolkata)'))
    await visible(row.getByText('Never'))
    await row.getByRole('button', { name: 'Run reminders:daily now' }).click()
    await visible(page.getByRole('region', { name: /Notifications/ }).getByText('reminders:daily finished'))
    await visible(row.getByText(/reminders: 0, nudges: 0/))
    await expect.poll(() => row.getByText('Never').count()).toBe(0)

    const runs = await server.request('GET', '/api/admin/tasks', { token: adminToken })
    const daily = runs.body.items.find((t: { name: string }) => t.name === 'reminders:daily')
    expect(daily.lastRun).toMatchObject({ error: null, result: { reminders: 0, nudges: 0 } })
  })

  it('the unsubscribe link works without logging in, after a confirmation', async () => {
    const member = await createApprovedUser(server, adminToken)
    const secret = readFileSync(join(server.dataDir, 'auth-secret'), 'utf8').trim()
    const page = await newPage()

    await open(page, `/unsubscribe?token=${encodeURIComponent(unsubscribeToken(secret, member.id))}`)
    await visible(page.getByText(`${member.username[0]}•••@example.test`))
    expect((await server.request('GET', '/api/account', { token: member.token })).body.user.emailOptIn).toBe(true)
    await page.getByRole('button', { name: 'Unsubscribe' }).click()
    await visible(page.getByText('You are unsubscribed.'))
    expect((await server.request('GET', '/api/account', { token: member.token })).body.user.emailOptIn).toBe(false)

    await open(page, `/unsubscribe?token=${member.id}.not-a-real-signature-not-a-real-sig`)
    await visible(page.getByText('This unsubscribe link is not valid.'))
  })
})
