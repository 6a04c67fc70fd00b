import type { Locator, Page } from 'playwright-core'
import { ADMIN, createApprovedUser } from '../helpers/server'
import type { TestServer } from '../helpers/server'
import { describe, expect, it, logInThroughForm, open, uniqueName, visible } from '../helpers/browser-fixture'
import { axeViolations } from './a11y'

// Accessibility in a real Chromium: every page of TicketShow, in light and dark mode, as an
// anonymous visitor, a member and the admin sees it, against axe-core's WCAG 2.2 A and AA
// rules, with data on it (a show, a venue, a screening, bookings, someone waiting for
// approval), and in the states a page changes into (a form showing its errors, an open
// slide-over or menu, seats picked). Then what axe cannot see: the skip link, where the
// focus goes after a page change and when a menu closes, and what the charts say.

const SCHEMES = ['light', 'dark'] as const

interface Catalog { showId: number, venueId: number, screeningId: number }

/** A show at a venue, screened in three days' time. */
async function createCatalog(server: TestServer, adminToken: string): Promise<Catalog> {
  const venue = await server.request('POST', '/api/venues', { token: adminToken, body: { name: uniqueName('Hall '), place: 'Pune', capacity: 30, seatsPerRow: 6, timezone: 'Asia/Kolkata' } })
  expect(venue.status).toBe(201)
  const show = await server.request('POST', '/api/shows', { token: adminToken, body: { name: uniqueName('Film '), description: 'A film to test with.', rating: 7.5, tags: ['drama'], ticketPrice: 25_000, durationMinutes: 120 } })
  expect(show.status).toBe(201)
  const startsAt = new Date(Date.now() + 3 * 86_400_000)
  startsAt.setUTCHours(13, 0, 0, 0)
  const screening = await server.request('POST', '/api/screenings', { token: adminToken, body: { showId: show.body.id, venueId: venue.body.id, startsAt: startsAt.toISOString() } })
  expect(screening.status).toBe(201)
  return { showId: show.body.id, venueId: venue.body.id, screeningId: screening.body.id }
}

/** Opens each path in turn (each has its main heading) and collects what axe finds there, by path. */
async function violationsOf(page: Page, paths: string[]): Promise<Record<string, string[]>> {
  const found: Record<string, string[]> = {}
  for (const path of paths) {
    await open(page, path)
    await visible(page.getByRole('main').getByRole('heading', { level: 1 }))
    const violations = await axeViolations(page)
    if (violations.length) found[path] = violations
  }
  return found
}

/** What has the keyboard focus: its tag and its text. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement
    return el ? `${el.tagName.toLowerCase()}: ${el.textContent?.trim() ?? ''}` : ''
  })
}

/** Whether the element has the keyboard focus. */
function hasFocus(locator: Locator): Promise<boolean> {
  return locator.evaluate(el => el === document.activeElement)
}

describe('axe-core finds no WCAG 2.2 AA violation', () => {
  it('on the pages an anonymous visitor sees, and the 404 page', async ({ server, adminToken, newPage }) => {
    const catalog = await createCatalog(server, adminToken)
    for (const colorScheme of SCHEMES) {
      const page = await newPage({ colorScheme })
      expect(await violationsOf(page, [
        '/',
        '/login',
        '/register',
        `/shows/${catalog.showId}`,
        `/venues/${catalog.venueId}`,
        `/screenings/${catalog.screeningId}`,
        '/api/docs',
        '/unsubscribe?token=not-a-real-token',
        '/no-such-page',
      ]), colorScheme).toEqual({})
    }
  })

  it('on the pages of a member, and the 403 of an admin page', async ({ server, adminToken, newPage }) => {
    const catalog = await createCatalog(server, adminToken)
    const member = await createApprovedUser(server, adminToken, uniqueName('member'))
    const booked = await server.request('POST', '/api/bookings', { token: member.token, body: { screeningId: catalog.screeningId, seats: ['A1', 'A2'] } })
    expect(booked.status).toBe(201)
    for (const colorScheme of SCHEMES) {
      const page = await newPage({ colorScheme })
      await logInThroughForm(page, member.username, member.password)
      expect(await violationsOf(page, [
        '/',
        `/screenings/${catalog.screeningId}`,
        '/bookings',
        `/bookings/${booked.body.id}`,
        '/account',
        '/admin',
      ]), colorScheme).toEqual({})
    }
  })

  it('on the admin pages', async ({ server, adminToken, newPage }) => {
    const catalog = await createCatalog(server, adminToken)
    const member = await createApprovedUser(server, adminToken, uniqueName('booker'))
    expect((await server.request('POST', '/api/bookings', { token: member.token, body: { screeningId: catalog.screeningId, quantity: 2 } })).status).toBe(201)
    const waiting = uniqueName('waiting')
    expect((await server.request('POST', '/api/auth/register', { body: { username: waiting, email: `${waiting}@example.test`, password: 'correct-horse-battery' } })).status).toBe(201)
    for (const colorScheme of SCHEMES) {
      const page = await newPage({ colorScheme })
      await logInThroughForm(page, ADMIN.username, ADMIN.password)
      expect(await violationsOf(page, [
        '/admin',
        '/admin/users',
        '/admin/venues',
        '/admin/shows',
        '/admin/screenings',
        `/admin/bookings?screening=${catalog.screeningId}`,
        '/admin/outbox',
        '/admin/tasks',
        '/staff/checkin',
      ]), colorScheme).toEqual({})
    }
  })

  it('on forms showing their errors, an open slide-over and a seat map with seats picked', async ({ server, adminToken, newPage }) => {
    const catalog = await createCatalog(server, adminToken)
    const page = await newPage()
    await open(page, '/register')
    await page.getByRole('button', { name: 'Create account' }).click()
    await visible(page.getByText('Enter a valid email address'))
    expect(await axeViolations(page), 'register, every field wrong').toEqual([])

    const member = await createApprovedUser(server, adminToken, uniqueName('picker'))
    await logInThroughForm(page, member.username, member.password)
    await open(page, `/screenings/${catalog.screeningId}`)
    // The seat map starts by asking how many seats; answered by hand, the map comes.
    await page.getByRole('radio', { name: '2', exact: true }).check()
    expect(await axeViolations(page), '"How many seats?" with a number chosen').toEqual([])
    await page.getByRole('button', { name: 'Choose on the map' }).click()
    await page.getByRole('button', { name: /^Row B, seat 3, / }).click()
    await visible(page.getByRole('button', { name: 'Row B, seat 3, selected' }))
    expect(await axeViolations(page), 'seat map with a seat picked').toEqual([])

    const admin = await newPage()
    await logInThroughForm(admin, ADMIN.username, ADMIN.password)
    await open(admin, '/admin/venues')
    await admin.getByRole('button', { name: 'New venue' }).first().click()
    const form = await visible(admin.getByRole('dialog', { name: 'New venue' }))
    await form.getByRole('button', { name: 'Add venue' }).click()
    await visible(form.getByText(/at least|Enter/).first())
    expect(await axeViolations(admin), 'new venue slide-over with errors').toEqual([])
  })
})

describe('keyboard and screen reader paths', () => {
  it('the first Tab reaches a visible "Skip to content", which moves the focus to the page\'s main content', async ({ newPage }) => {
    const page = await newPage()
    for (const path of ['/', '/no-such-page']) {
      await open(page, path)
      await page.keyboard.press('Tab')
      const skip = page.getByRole('link', { name: 'Skip to content' })
      expect(await focused(page)).toBe('a: Skip to content')
      const box = await skip.boundingBox()
      expect(box!.width).toBeGreaterThan(20)
      expect(box!.height).toBeGreaterThan(10)
      await page.keyboard.press('Enter')
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('main')
      // The next Tab is inside the page, past the header.
      await page.keyboard.press('Tab')
      expect(await page.evaluate(() => !!document.activeElement?.closest('main'))).toBe(true)
      expect(new URL(page.url()).hash).toBe('')
    }

    // In the admin pages it goes past the admin menu as well.
    await logInThroughForm(page, ADMIN.username, ADMIN.password)
    await open(page, '/admin/users')
    await page.keyboard.press('Tab')
    expect(await focused(page)).toBe('a: Skip to content')
    await page.keyboard.press('Enter')
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => !!document.activeElement?.closest('main') && !document.activeElement.closest('nav'))).toBe(true)
  })

  it('after a page change the focus is on the new page\'s heading and its title is announced; a filter keeps the focus', async ({ server, adminToken, newPage }) => {
    const catalog = await createCatalog(server, adminToken)
    const page = await newPage()
    // A showtime opens the seat map, whose heading comes with its data.
    await open(page, `/shows/${catalog.showId}`)
    const show = (await page.getByRole('heading', { level: 1 }).innerText()).trim()
    await page.getByRole('main').getByRole('link', { name: /^18:30\b/ }).click()
    await page.waitForURL(`**/screenings/${catalog.screeningId}`)
    await expect.poll(() => focused(page)).toBe(`h1: ${show}`)

    await logInThroughForm(page, ADMIN.username, ADMIN.password)
    await page.getByRole('button', { name: `Account menu for ${ADMIN.username}` }).click()
    await page.getByRole('menuitem', { name: 'Admin' }).click()
    await page.waitForURL('**/admin')
    await expect.poll(() => focused(page)).toBe('h1: Dashboard')
    await expect.poll(() => page.locator('.nuxt-route-announcer').innerText()).toBe('Admin dashboard · TicketShow')

    // From the admin menu, with the keyboard.
    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Users' }).press('Enter')
    await page.waitForURL('**/admin/users')
    await expect.poll(() => focused(page)).toBe('h1: Users')
    await expect.poll(() => page.locator('.nuxt-route-announcer').innerText()).toBe('Users · TicketShow')

    // A tab of the page changes only the query: the focus stays on it.
    await page.getByRole('tab', { name: 'Approved' }).click()
    await page.waitForURL(url => url.searchParams.get('status') === 'approved')
    await visible(page.getByRole('row').filter({ hasText: ADMIN.username }))
    expect(await hasFocus(page.getByRole('tab', { name: 'Approved' }))).toBe(true)
  })

  it('with the account menu open on a phone: what is behind it can be neither seen nor focused', async ({ newPage }) => {
    const page = await newPage({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true })
    await logInThroughForm(page, ADMIN.username, ADMIN.password)
    const trigger = page.getByRole('button', { name: `Account menu for ${ADMIN.username}` })
    await trigger.click()
    await visible(page.getByRole('menuitem', { name: 'Admin' }))
    expect(await axeViolations(page)).toEqual([])
    // Nothing aria-hidden behind the menu is left focusable: it is inert.
    expect(await page.evaluate(() => [...document.querySelectorAll('[aria-hidden="true"]')]
      .filter(el => el.querySelector('a[href], button, input, select, textarea, [tabindex]') && !el.closest('[inert]'))
      .map(el => el.outerHTML.slice(0, 60)))).toEqual([])

    // Escape closes it, the page is live again and the focus is back on the button.
    await page.keyboard.press('Escape')
    await page.getByRole('menu').waitFor({ state: 'detached' })
    await expect.poll(() => hasFocus(trigger)).toBe(true)
    expect(await page.locator('[inert]').count()).toBe(0)
  })

  it('the dashboard\'s charts say in words what they show', async ({ server, adminToken, newPage }) => {
    const catalog = await createCatalog(server, adminToken)
    const member = await createApprovedUser(server, adminToken, uniqueName('booker'))
    expect((await server.request('POST', '/api/bookings', { token: member.token, body: { screeningId: catalog.screeningId, quantity: 2 } })).status).toBe(201)
    const page = await newPage()
    await logInThroughForm(page, ADMIN.username, ADMIN.password)
    await open(page, '/admin')
    await visible(page.getByRole('img', { name: /^Bar chart of tickets sold per day over the last 30 days: \d+ in all, the most on \d+ \w+ \(\d+\)\.$/ }))
    await visible(page.getByRole('img', { name: /^Bar chart of revenue per show, highest first: .+ ₹[\d,.]+/ }))
    await visible(page.getByRole('img', { name: /^Bar chart of occupancy per show, highest first: .+ \d+%/ }))
  })
})
