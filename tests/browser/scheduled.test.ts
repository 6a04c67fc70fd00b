import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { unsubscribeToken } from '../../server/domain/mail'
import { ADMIN, createApprovedUser } from '../helpers/server'
import { describe, expect, it, logInThroughForm, open, settled, visible } from '../helpers/browser-fixture'

// The admin's Tasks page and the unsubscribe page in a real Chromium against the built server.

describe('scheduled work in the browser', () => {
  it('an admin runs the daily reminders from the Tasks page and sees the run recorded', async ({ server, adminToken, newPage }) => {
    const page = await newPage()
    await logInThroughForm(page, ADMIN.username, ADMIN.password)
    await open(page, '/admin')
    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Tasks' }).click()
    await page.waitForURL('**/admin/tasks')
    await settled(page)
    await visible(page.getByRole('heading', { name: 'Tasks' }))

    const row = page.getByRole('row').filter({ hasText: 'reminders:daily' })
    await visible(row.getByText('Every day at 18:00 (Asia/Kolkata)'))
    await visible(row.getByText('Never'))
    await row.getByRole('button', { name: 'Run now: reminders:daily' }).click()
    await visible(page.getByRole('region', { name: /Notifications/ }).getByText('reminders:daily finished'))
    await visible(row.getByText(/reminders: 0, nudges: 0/))
    await expect.poll(() => row.getByText('Never').count()).toBe(0)

    const runs = await server.request('GET', '/api/admin/tasks', { token: adminToken })
    const daily = runs.body.items.find((t: { name: string }) => t.name === 'reminders:daily')
    expect(daily.lastRun).toMatchObject({ error: null, result: { reminders: 0, nudges: 0 } })
  })

  it('the unsubscribe link works without logging in, after a confirmation', async ({ server, adminToken, newPage }) => {
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
