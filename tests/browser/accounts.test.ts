import { mkdirSync, readFileSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { ADMIN, createApprovedUser } from '../helpers/server'
import type { TestServer } from '../helpers/server'
import { describe, expect, fillLogin, headerUsername, it, logInThroughForm, open, openAdminFromMenu, settled, uniqueName, visible } from '../helpers/browser-fixture'
import { ICONS, blankIcons, danglingLabels, lowContrastText } from './a11y'

// Accounts in a real Chromium against the built production server: registering, waiting
// for approval, the admin letting people in, logging in and out, and the admin guard.
// Every page is driven the way a person would, through roles, labels and visible text.

const SHOTS = '/tmp/ticketshow-shots'
const PASSWORD = 'correct-horse-battery'

async function registerThroughApi(server: TestServer, username: string): Promise<number> {
  const res = await server.request('POST', '/api/auth/register', { body: { username, email: `${username}@example.test`, password: PASSWORD } })
  expect(res.status).toBe(201)
  return res.body.user.id
}

/** A screening tomorrow-ish and a booking of two seats on it for `token`. */
async function bookSomething(server: TestServer, adminToken: string, token: string): Promise<{ reference: string, screeningId: number }> {
  const venue = await server.request('POST', '/api/venues', { token: adminToken, body: { name: uniqueName('Hall '), place: 'Pune', capacity: 20, seatsPerRow: 5 } })
  const show = await server.request('POST', '/api/shows', { token: adminToken, body: { name: uniqueName('Farewell '), ticketPrice: 10_000, tags: [] } })
  const screening = await server.request('POST', '/api/screenings', { token: adminToken, body: { showId: show.body.id, venueId: venue.body.id, startsAt: new Date(Date.now() + 3 * 86_400_000).toISOString() } })
  const booked = await server.request('POST', '/api/bookings', { token, body: { screeningId: screening.body.id, quantity: 2 } })
  expect(booked.status).toBe(201)
  return { reference: booked.body.reference, screeningId: screening.body.id }
}

/** The text of each body row of the table on the page, top to bottom. */
async function tableRows(page: Page): Promise<string[]> {
  return page.getByRole('table').getByRole('row').filter({ has: page.getByRole('cell') }).allInnerTexts()
}

describe('accounts in the browser', () => {
  it('a visitor registers, waits for approval, is approved by the admin and then logs in', async ({ server, newPage }) => {
    // Someone registered a little earlier, so the waiting list has an order to show.
    const earlier = uniqueName('early')
    await registerThroughApi(server, earlier)
    const visitorName = uniqueName('visitor')

    // The visitor registers and is told plainly that an admin has to approve the account.
    const visitor = await newPage()
    await open(visitor, '/')
    await visitor.getByRole('banner').getByRole('link', { name: 'Register' }).click()
    await visitor.waitForURL('**/register')
    await visible(visitor.getByRole('heading', { name: 'Create an account' }))
    await visitor.getByLabel('Username').fill(visitorName)
    await visitor.getByLabel('Email', { exact: true }).fill(`${visitorName}@example.test`)
    await visitor.getByLabel('Password').fill(PASSWORD)
    await visitor.getByRole('button', { name: 'Create account' }).click()
    await visible(visitor.getByRole('heading', { name: `Thanks, ${visitorName}! Your account is waiting for approval` }))
    await visible(visitor.getByText('An admin checks every new account before it can book.'))

    // Logging in before approval says so on the form; the button shows progress meanwhile
    // and cannot be pressed twice.
    await visitor.getByRole('banner').getByRole('link', { name: 'Log in' }).click()
    await visitor.waitForURL(url => url.pathname === '/login')
    await visible(visitor.getByRole('heading', { name: 'Log in' }))
    await fillLogin(visitor, visitorName, PASSWORD)
    let release!: () => void
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    let loginCalls = 0
    await visitor.route('**/api/auth/login', async (route) => {
      loginCalls++
      await held
      await route.continue()
    })
    const logIn = visitor.getByRole('button', { name: 'Log in' })
    await logIn.click()
    await expect.poll(() => logIn.isDisabled()).toBe(true)
    await visitor.getByLabel('Password').press('Enter')
    release()
    const waiting = await visible(visitor.getByRole('alert').filter({ hasText: 'Your account is waiting for approval' }))
    expect(await waiting.textContent()).toContain('An admin has to approve new accounts before they can log in.')
    expect(await lowContrastText(visitor)).toEqual([])
    await expect.poll(() => logIn.isEnabled()).toBe(true)
    expect(loginCalls).toBe(1)
    await visitor.unroute('**/api/auth/login')
    expect(await headerUsername(visitor).count()).toBe(0)

    // The admin, in a browser of their own, finds the visitor at the top of the waiting list.
    const admin = await newPage()
    await logInThroughForm(admin, ADMIN.username, ADMIN.password)
    await openAdminFromMenu(admin)
    await admin.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Users' }).click()
    await admin.waitForURL('**/admin/users')
    await visible(admin.getByRole('heading', { name: 'Users' }))
    await visible(admin.getByRole('row').filter({ hasText: visitorName }))
    const before = await tableRows(admin)
    expect(before[0]).toContain(visitorName)
    expect(before[0]).toContain('Waiting')
    expect(before.findIndex(row => row.includes(earlier))).toBeGreaterThan(0)

    // Approving says so in a toast, and the visitor leaves the waiting list.
    await admin.getByRole('button', { name: `Approve ${visitorName}` }).click()
    await visible(admin.getByRole('region', { name: /Notifications/ }).getByText(`${visitorName} is approved`))
    await admin.getByRole('row').filter({ hasText: visitorName }).waitFor({ state: 'detached' })
    const after = await tableRows(admin)
    expect(after.some(row => row.includes(visitorName))).toBe(false)
    expect(after.some(row => row.includes(earlier))).toBe(true)
    await admin.getByRole('tab', { name: 'Approved' }).click()
    const approvedRow = await visible(admin.getByRole('row').filter({ hasText: visitorName }))
    expect(await approvedRow.innerText()).toContain('Approved')

    // Now the visitor's login goes through and the header greets them by name.
    await visitor.getByLabel('Password').fill(PASSWORD)
    await visitor.getByRole('button', { name: 'Log in' }).click()
    // They land on the home page, not back on the registration form they came from.
    await visitor.waitForURL(url => url.pathname === '/')
    await expect.poll(() => headerUsername(visitor).textContent()).toBe(visitorName)
    expect(await visitor.getByRole('alert').filter({ hasText: 'waiting for approval' }).count()).toBe(0)
  })

  it('a logged-in member stays logged in across a reload, rendered by the server from the cookie, until they log out', async ({ server, adminToken, newContext, newPage }) => {
    const member = await createApprovedUser(server, adminToken, uniqueName('member'))
    const context = await newContext()
    const page = await context.newPage()
    await logInThroughForm(page, member.username, member.password)

    await page.reload()
    await settled(page)
    expect(await headerUsername(page).textContent()).toBe(member.username)

    // With scripts off, only the server can have put the name in the header (on a page of
    // the member's own: the public pages come from a cache that knows nobody).
    const noScript = await newPage({ javaScriptEnabled: false, storageState: await context.storageState() })
    await noScript.goto('/bookings')
    expect(await headerUsername(noScript).textContent()).toBe(member.username)
    expect(await noScript.getByRole('banner').getByRole('link', { name: 'Log in' }).count()).toBe(0)

    const token = (await context.cookies()).find(c => c.name === 'auth.token')?.value
    expect(token).toBeTruthy()

    await page.getByRole('button', { name: `Account menu for ${member.username}` }).click()
    await page.getByRole('menuitem', { name: 'Log out' }).click()
    await visible(page.getByRole('banner').getByRole('link', { name: 'Log in' }))
    expect(await headerUsername(page).count()).toBe(0)
    await expect.poll(async () => (await context.cookies()).some(c => c.name === 'auth.token' && c.value)).toBe(false)

    // Logged out for good: a reload stays logged out, and the old token is refused.
    await page.reload()
    await settled(page)
    await visible(page.getByRole('banner').getByRole('link', { name: 'Log in' }))
    expect(await headerUsername(page).count()).toBe(0)
    const session = await server.request('GET', '/api/auth/session', { token: decodeURIComponent(token!) })
    expect(session.status).toBe(401)
  })

  it('a member who changes the password stays logged in here and is logged out in every other browser', async ({ server, adminToken, newPage }) => {
    const member = await createApprovedUser(server, adminToken, uniqueName('mover'))
    const here = await newPage()
    const elsewhere = await newPage()
    await logInThroughForm(here, member.username, member.password)
    await logInThroughForm(elsewhere, member.username, member.password)

    await open(here, '/account')
    await visible(here.getByText('Changing it logs you out on every other device and browser.'))
    await here.getByLabel('Current password').fill(member.password)
    await here.getByLabel('New password', { exact: true }).fill('a-brand-new-password')
    await here.getByLabel('New password again').fill('a-brand-new-password')
    await here.getByRole('button', { name: 'Change password' }).click()
    await visible(here.getByText('Password changed', { exact: true }))

    await here.reload()
    await settled(here)
    expect(await headerUsername(here).textContent()).toBe(member.username)
    await elsewhere.reload()
    await settled(elsewhere)
    await visible(elsewhere.getByRole('banner').getByRole('link', { name: 'Log in' }))
    expect(await headerUsername(elsewhere).count()).toBe(0)
  })

  it('a member downloads their data, then closes their account, cancelling an upcoming booking with it', async ({ server, adminToken, newPage }) => {
    const member = await createApprovedUser(server, adminToken, uniqueName('leaver'))
    const booking = await bookSomething(server, adminToken, member.token)
    const page = await newPage()
    await logInThroughForm(page, member.username, member.password)
    await open(page, '/account')

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download your data' }).click()])
    expect(download.suggestedFilename()).toBe(`ticketshow-${member.username}.json`)
    const data = JSON.parse(readFileSync((await download.path())!, 'utf8'))
    expect(data.account.username).toBe(member.username)
    expect(data.bookings.map((b: { reference: string }) => b.reference)).toEqual([booking.reference])

    // Upcoming bookings hold the account open until they go too.
    await page.getByLabel('Password', { exact: true }).fill(member.password)
    await page.getByRole('button', { name: 'Close my account' }).click()
    await visible(page.getByText('You have 1 upcoming booking'))
    await page.getByLabel('Cancel my upcoming bookings too').check()
    await page.getByRole('button', { name: 'Close my account' }).click()
    await page.waitForURL(url => url.pathname === '/')
    await visible(page.getByText('Your account is closed', { exact: true }))
    await visible(page.getByRole('banner').getByRole('link', { name: 'Log in' }))
    const admin = await server.request('GET', `/api/screenings/${booking.screeningId}/bookings`, { token: adminToken })
    expect(admin.body.items[0]).toMatchObject({ reference: booking.reference, status: 'cancelled', user: { username: `deleted:${member.id}` } })
    expect((await server.request('POST', '/api/auth/login', { body: { username: member.username, password: member.password } })).status).toBe(401)
  })

  it('the admin removes a member with an upcoming booking only by cancelling it too', async ({ server, adminToken, newPage }) => {
    const member = await createApprovedUser(server, adminToken, uniqueName('removed'))
    const booking = await bookSomething(server, adminToken, member.token)
    const page = await newPage()
    await logInThroughForm(page, ADMIN.username, ADMIN.password)
    await open(page, '/admin/users?status=approved')
    await page.getByRole('button', { name: `Remove ${member.username}` }).click()
    const dialog = page.getByRole('dialog')
    await visible(dialog.getByText('Bookings for shows that have taken place stay in the sales figures'))
    await dialog.getByRole('button', { name: 'Delete account' }).click()
    await visible(dialog.getByText(`${member.username} has 1 upcoming booking`))
    await dialog.getByLabel('Cancel their upcoming bookings too').check()
    await dialog.getByRole('button', { name: 'Delete account' }).click()
    await visible(page.getByText(`${member.username} was removed`, { exact: true }))
    await expect.poll(async () => (await tableRows(page)).some(r => r.includes(member.username))).toBe(false)
    const seats = await server.request('GET', `/api/screenings/${booking.screeningId}`)
    expect(seats.body.seatsLeft).toBe(seats.body.capacity)
  })

  it('registering with nothing filled in marks every field at once and puts the focus on the first', async ({ newPage }) => {
    const page = await newPage()
    await open(page, '/register')
    await page.getByRole('button', { name: 'Create account' }).click()
    const username = page.getByLabel('Username')
    await visible(page.getByText('Use at least 3 characters'))
    await visible(page.getByText('Enter a valid email address'))
    await visible(page.getByText('Use at least 8 characters'))
    for (const field of [username, page.getByLabel('Email', { exact: true }), page.getByLabel('Password')])
      expect(await field.getAttribute('aria-invalid')).toBe('true')
    await expect.poll(() => username.evaluate(el => el === document.activeElement)).toBe(true)

    // A field's message goes as soon as its value is right; the others stay.
    await username.fill('someone')
    await page.getByText('Use at least 3 characters').waitFor({ state: 'detached' })
    expect(await username.getAttribute('aria-invalid')).toBe('false')
    await visible(page.getByText('Enter a valid email address'))
    expect(new URL(page.url()).pathname).toBe('/register')
  })

  it('a taken username or email is said next to its field, and stays there until that field is edited', async ({ server, newPage }) => {
    const taken = uniqueName('taken')
    await registerThroughApi(server, taken)
    const page = await newPage()
    await open(page, '/register')
    const username = page.getByLabel('Username')
    const email = page.getByLabel('Email', { exact: true })
    const password = page.getByLabel('Password')
    const send = page.getByRole('button', { name: 'Create account' })
    await username.fill(taken)
    await email.fill(`${uniqueName('new')}@example.test`)
    await password.fill(PASSWORD)
    await send.click()
    const message = await visible(page.getByText('That username is taken'))
    expect(await username.getAttribute('aria-describedby')).toContain(await message.getAttribute('id'))
    await expect.poll(() => username.evaluate(el => el === document.activeElement)).toBe(true)

    // The form checks its fields again as they are left and edited, and its delayed check
    // of what was typed comes after the answer: the server's message stays. Sending the
    // same name again does not ask the server again.
    let sent = 0
    page.on('request', (req) => {
      if (req.url().endsWith('/api/auth/register')) sent++
    })
    await email.focus()
    await password.fill(`${PASSWORD}!`)
    await send.click()
    await send.click()
    await visible(page.getByText('That username is taken'))
    expect(await username.getAttribute('aria-invalid')).toBe('true')
    expect(sent).toBe(0)

    // Editing the name takes the message away; the taken email is then said at the email.
    await username.fill(uniqueName('fresh'))
    await page.getByText('That username is taken').waitFor({ state: 'detached' })
    await email.fill(`${taken}@example.test`)
    await send.click()
    await visible(page.getByText('That email address is already registered'))
    expect(await email.getAttribute('aria-invalid')).toBe('true')
    expect(await username.getAttribute('aria-invalid')).toBe('false')
    expect(sent).toBe(1)
  })

  it('a wrong password shows the server\'s error on the form and keeps the username that was typed', async ({ server, adminToken, newPage }) => {
    const member = await createApprovedUser(server, adminToken, uniqueName('typo'))
    const page = await newPage()
    await open(page, '/login')
    await fillLogin(page, member.username, 'not-my-password')
    const logIn = page.getByRole('button', { name: 'Log in' })
    await logIn.click()

    await visible(page.getByRole('alert').filter({ hasText: 'Wrong username or password' }))
    expect(await lowContrastText(page)).toEqual([])
    expect(await page.getByLabel('Username').inputValue()).toBe(member.username)
    expect(await logIn.isEnabled()).toBe(true)
    expect(new URL(page.url()).pathname).toBe('/login')
    expect(await headerUsername(page).count()).toBe(0)
  })

  it('admin pages send anonymous visitors to log in and show members a 403', async ({ server, adminToken, newPage }) => {
    const anonymous = await newPage()
    await open(anonymous, '/admin')
    expect(new URL(anonymous.url()).pathname).toBe('/login')
    expect(new URL(anonymous.url()).searchParams.get('redirect')).toBe('/admin')
    await visible(anonymous.getByRole('heading', { name: 'Log in' }))

    // Logging in from there as the admin comes back to the page that was asked for.
    await fillLogin(anonymous, ADMIN.username, ADMIN.password)
    await anonymous.getByRole('button', { name: 'Log in' }).click()
    await anonymous.waitForURL(url => url.pathname === '/admin')
    await visible(anonymous.getByRole('heading', { name: 'Dashboard' }))

    const member = await createApprovedUser(server, adminToken, uniqueName('nosy'))
    const page = await newPage()
    await logInThroughForm(page, member.username, member.password)
    for (const path of ['/admin', '/admin/users']) {
      const res = await page.goto(path)
      expect(res?.status()).toBe(403)
      await settled(page)
      await visible(page.getByRole('heading', { name: 'Not allowed' }))
      await visible(page.getByText('This page is for admins only.'))
      expect(await page.getByRole('heading', { name: 'Users' }).count()).toBe(0)
      expect(await headerUsername(page).textContent()).toBe(member.username)
    }
  })
})

describe('the look of the account pages', () => {
  it('renders /, /login, /register and /admin/users in light and dark mode with every icon, label and AA contrast in place', async ({ server, newContext }) => {
    mkdirSync(SHOTS, { recursive: true })
    const waiting = uniqueName('pending')
    await registerThroughApi(server, waiting)
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await newContext({ colorScheme })
      const page = await context.newPage()
      const shoot = async (name: string) => {
        expect(await page.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(colorScheme === 'dark')
        expect(await page.locator(ICONS).count()).toBeGreaterThan(0)
        expect(await blankIcons(page)).toEqual([])
        expect(await danglingLabels(page)).toEqual([])
        expect(await lowContrastText(page)).toEqual([])
        await page.screenshot({ path: `${SHOTS}/${name}-${colorScheme}.png`, fullPage: true })
      }

      await open(page, '/')
      await visible(page.getByRole('heading', { level: 1 }))
      await shoot('home')
      await open(page, '/login')
      await visible(page.getByLabel('Username'))
      await shoot('login')
      await open(page, '/register')
      await visible(page.getByLabel('Email', { exact: true }))
      await shoot('register')
      await logInThroughForm(page, ADMIN.username, ADMIN.password)
      await open(page, '/admin/users')
      await visible(page.getByRole('button', { name: `Approve ${waiting}` }))
      await shoot('admin-users')
    }
  })
})
