import { mkdirSync } from 'node:fs'
import { ADMIN } from '../helpers/server'
import { describe, expect, it, logInThroughForm, open, settled, visible } from '../helpers/browser-fixture'
import { blankIcons, danglingLabels, lowContrastText } from './a11y'

// The captured outbox as an admin reads it: with no SMTP server configured, a new user's
// welcome email waits at /admin/outbox, rendered in a sandboxed frame, as text and headers.

const SHOTS = '/tmp/ticketshow-shots'

describe('/admin/outbox', () => {
  it('lists a captured email and shows its rendered HTML, plain text and headers', async ({ server, adminToken, newPage }) => {
    const username = `reader${Date.now().toString(36)}`
    expect((await server.request('POST', '/api/auth/register', { body: { username, email: `${username}@example.test`, password: 'correct-horse-battery' } })).status).toBe(201)
    await expect.poll(async () => (await server.request('GET', `/api/admin/outbox?status=captured&q=${username}`, { token: adminToken })).body.total).toBe(1)

    const page = await newPage()
    await logInThroughForm(page, ADMIN.username, ADMIN.password)

    await open(page, '/admin/outbox')
    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Outbox' }).waitFor()
    await page.getByLabel('Search emails by recipient or subject').fill(username)
    // The search applies after a pause in typing. The unfiltered list already shows this
    // email, so wait for the filtered one: a click in between races the search's own
    // update of the URL, which then drops the email the click asked to open.
    await page.waitForURL(url => url.searchParams.get('q') === username)
    await settled(page)
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
  })
})
