import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import type { Locator, Page } from 'playwright-core'
import { ADMIN } from '../helpers/server'
import { describe, expect, it, logInThroughForm, open, openAdminFromMenu, settled, test, visible } from '../helpers/browser-fixture'

// The catalogue in a real Chromium against the built production server: the admin publishes
// a venue, a show with a poster and two screenings through the admin pages; a visitor, in a
// browser of their own, finds the show by its name and by its city and opens a screening.
// Every page is driven the way a person would, through roles, labels and visible text.

/** Venues made without a timezone use the server's default (nuxt.config.ts). */
const TIMEZONE = 'Asia/Kolkata'

let tmp: string
let posterPath: string

const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`
const venue = { name: `Lumen Hall ${suffix}`, city: `Testville-${suffix}`, capacity: 40, seatsPerRow: 10 }
const show = { name: `The Paper Lanterns ${suffix}`, tags: ['drama', 'family'], price: 250, duration: 95 }
/** Another show on elsewhere, made through the API, that neither the search nor the city filter may list. */
const decoy = { name: `Brass Monsoon ${suffix}`, city: `Elsewhere-${suffix}` }

/** YYYY-MM-DD `days` after today at the venue. */
function venueDay(days: number): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: TIMEZONE }).format(new Date())
  const d = new Date(`${today}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}
/** A calendar day written as the pages write it: "Saturday 29 November" or, short, "Sat 29 Nov". */
function spelled(day: string, style: 'long' | 'short'): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: style, day: 'numeric', month: style }).format(new Date(`${day}T12:00:00Z`)).replace(',', '')
}
const screenings = [
  { date: venueDay(3), time: '18:30' },
  { date: venueDay(5), time: '21:00' },
].map(s => ({ ...s, day: spelled(s.date, 'long'), when: `${spelled(s.date, 'short')}, ${s.time}` }))

/** What the admin made, for the visitor's test. */
let showId: number | undefined

/** Follows a link in the admin side navigation and waits for the page's heading. */
async function adminSection(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name }).click()
  await page.waitForURL(`**/admin/${name.toLowerCase()}`)
  await visible(page.getByRole('heading', { name, level: 1 }))
}

/** A success toast with this title. */
function toast(page: Page, title: string): Locator {
  return page.getByRole('region', { name: /Notifications/ }).getByText(title, { exact: true })
}

/** The table row that mentions `text`. */
function row(page: Page, text: string): Locator {
  return page.getByRole('table').getByRole('row').filter({ hasText: text })
}

/** Picks an entry of a catalogue picker (a searchable select menu) by typing part of its name. */
async function pick(dialog: Locator, label: string, name: string): Promise<void> {
  const page = dialog.page()
  await dialog.getByLabel(label, { exact: true }).click()
  const listbox = await visible(page.getByRole('listbox'))
  await page.getByRole('combobox', { name: 'Search' }).fill(name)
  await listbox.getByRole('option', { name }).click()
  await listbox.waitFor({ state: 'hidden' })
  await expect.poll(() => dialog.getByLabel(label, { exact: true }).innerText()).toContain(name)
}

/** Types into a number box and leaves it, so the value is committed before the form is sent. */
async function fillNumber(field: Locator, value: number): Promise<void> {
  await field.fill(String(value))
  await field.press('Tab')
}

test.beforeAll(async ({ server, adminToken }) => {
  tmp = mkdtempSync(join(tmpdir(), 'ticketshow-catalog-'))
  posterPath = join(tmp, 'poster.png')
  // A real PNG: a 2:3 poster in two colours, so the server has something to re-encode.
  await sharp({ create: { width: 400, height: 600, channels: 3, background: { r: 30, g: 60, b: 140 } } })
    .composite([{ input: { create: { width: 400, height: 200, channels: 3, background: '#f5c542' } }, top: 400, left: 0 }])
    .png()
    .toFile(posterPath)

  const post = async (path: string, body: object) => {
    const res = await server.request('POST', path, { token: adminToken, body })
    if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(res.body)}`)
    return res.body as { id: number }
  }
  const decoyVenue = await post('/api/venues', { name: `Decoy Hall ${suffix}`, place: decoy.city, capacity: 20, seatsPerRow: 10 })
  const decoyShow = await post('/api/shows', { name: decoy.name, ticketPrice: 10_000, durationMinutes: 60 })
  await post('/api/screenings', { showId: decoyShow.id, venueId: decoyVenue.id, startsAt: new Date(Date.now() + 4 * 86_400_000).toISOString() })
})

test.afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true })
})

describe('the catalogue in the browser', () => {
  it('the admin adds a venue, a show with a poster and two screenings of it through the admin pages', async ({ newPage }) => {
    const admin = await newPage()
    await logInThroughForm(admin, ADMIN.username, ADMIN.password)
    await openAdminFromMenu(admin)

    // --- the venue ----------------------------------------------------------------------
    await adminSection(admin, 'Venues')
    await admin.getByRole('button', { name: 'New venue' }).first().click()
    const venueForm = await visible(admin.getByRole('dialog', { name: 'New venue' }))
    await venueForm.getByLabel('Name').fill(venue.name)
    await venueForm.getByLabel('Place').fill(venue.city)
    await fillNumber(venueForm.getByLabel('Capacity'), venue.capacity)
    await fillNumber(venueForm.getByLabel('Seats per row'), venue.seatsPerRow)
    await venueForm.getByRole('button', { name: 'Add venue' }).click()
    await visible(toast(admin, `${venue.name} is added`))
    await venueForm.waitFor({ state: 'hidden' })
    const venueRow = await visible(row(admin, venue.name))
    const venueCells = await venueRow.getByRole('cell').allInnerTexts()
    expect(venueCells.slice(0, 5).map(c => c.trim())).toEqual([venue.name, venue.city, '40', '10', TIMEZONE])

    // --- the show, with its poster ----------------------------------------------------------
    await adminSection(admin, 'Shows')
    await admin.getByRole('button', { name: 'New show' }).first().click()
    const showForm = await visible(admin.getByRole('dialog', { name: 'New show' }))
    await showForm.getByLabel('Name').fill(show.name)
    await showForm.getByLabel('Description').fill('Three sisters and a paper lantern workshop, one long monsoon night.')
    await fillNumber(showForm.getByLabel(/^Ticket price/), show.price)
    await fillNumber(showForm.getByLabel('Duration'), show.duration)
    const tags = showForm.getByRole('textbox', { name: 'Tags' })
    for (const tag of show.tags) {
      await tags.fill(tag)
      await tags.press('Enter')
    }
    await expect.poll(() => tags.inputValue()).toBe('')
    for (const tag of show.tags) await visible(showForm.getByText(tag, { exact: true }))

    await showForm.getByLabel('Poster').setInputFiles(posterPath)
    const preview = await visible(showForm.getByRole('img', { name: 'Preview of the chosen poster' }))
    await expect.poll(() => preview.evaluate(img => (img as HTMLImageElement).naturalWidth)).toBe(400)
    await visible(showForm.getByText('Not uploaded yet'))

    const created = admin.waitForResponse(res => new URL(res.url()).pathname === '/api/shows' && res.request().method() === 'POST')
    const uploaded = admin.waitForResponse(res => /^\/api\/shows\/\d+\/poster$/.test(new URL(res.url()).pathname) && res.request().method() === 'PUT')
    await showForm.getByRole('button', { name: 'Add show' }).click()
    expect((await created).status()).toBe(201)
    showId = (await (await created).json()).id
    expect((await uploaded).status()).toBe(200)
    await visible(toast(admin, `${show.name} is added`))
    await showForm.waitFor({ state: 'hidden' })
    const showRow = await visible(row(admin, show.name))
    const showText = await showRow.innerText()
    for (const text of [...show.tags, '₹250.00', '1 h 35 min']) expect(showText).toContain(text)

    // Opening the show again shows the poster the server stored.
    await showRow.getByRole('button', { name: `Edit ${show.name}` }).click()
    const editForm = await visible(admin.getByRole('dialog', { name: `Edit ${show.name}` }))
    const saved = await visible(editForm.getByRole('img', { name: `Poster of ${show.name}` }))
    expect(await saved.getAttribute('src')).toMatch(new RegExp(`^/posters/${showId}-`))
    await expect.poll(() => saved.evaluate(img => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0)
    await visible(editForm.getByText('Current poster'))
    await editForm.getByRole('button', { name: 'Cancel' }).click()
    await editForm.waitFor({ state: 'hidden' })

    // --- two screenings, on different days --------------------------------------------------
    await adminSection(admin, 'Screenings')
    for (const s of screenings) {
      await admin.getByRole('button', { name: 'New screening' }).first().click()
      const form = await visible(admin.getByRole('dialog', { name: 'New screening' }))
      await pick(form, 'Show', show.name)
      await pick(form, 'Venue', venue.name)
      await form.getByLabel('Date').fill(s.date)
      await form.getByLabel('Time at the venue').fill(s.time)
      // The form reads the time at the venue and says which instant that is.
      await visible(form.getByText(`${s.when} at the venue (${TIMEZONE})`))
      await form.getByRole('button', { name: 'Add screening' }).click()
      await visible(toast(admin, 'Screening added'))
      await form.waitFor({ state: 'hidden' })
      await visible(row(admin, s.when))
    }
    const rows = await admin.getByRole('table').getByRole('row').filter({ hasText: show.name }).allInnerTexts()
    expect(rows).toHaveLength(2)
    screenings.forEach((s, i) => {
      expect(rows[i]).toContain(s.when)
      expect(rows[i]).toContain(venue.name)
      expect(rows[i]).toContain('₹250.00')
      expect(rows[i]).toMatch(/40\s*\/\s*40/)
    })
  })

  it('a visitor finds the show by its name and by its city, sees both showtimes and opens a screening', async ({ newPage }) => {
    expect(showId, 'the admin test publishes the show first').toBeDefined()
    const visitor = await newPage()

    // Unfiltered, the home page lists both shows on.
    await open(visitor, '/')
    await visible(visitor.getByRole('heading', { name: '2 shows', exact: true }))
    await visible(visitor.getByRole('article').getByRole('link', { name: decoy.name }))

    // Searching it by name finds the show's card, and only that.
    const search = visitor.getByRole('searchbox', { name: 'Search shows by name or description' })
    await search.fill(show.name)
    await search.press('Enter')
    await visitor.waitForURL(url => url.searchParams.get('q') === show.name)
    await visible(visitor.getByRole('heading', { name: `1 show matching “${show.name}”` }))
    const results = visitor.getByRole('region', { name: /matching/ })
    const card = await visible(results.getByRole('article').filter({ has: visitor.getByRole('link', { name: show.name }) }))
    expect(await card.getByRole('img', { name: `Poster for ${show.name}` }).getAttribute('src')).toMatch(new RegExp(`^/posters/${showId}-`))
    const cardText = await card.innerText()
    expect(cardText).toContain(screenings[0]!.when)
    expect(cardText).toContain(`${venue.name}, ${venue.city}`)
    expect(await results.getByRole('article').count()).toBe(1)

    // The header's search box suggests it as well.
    const headerSearch = visitor.getByRole('banner').getByRole('combobox', { name: 'Search shows and venues' })
    await headerSearch.fill(show.name)
    await visible(visitor.getByRole('listbox', { name: 'Search suggestions' }).getByRole('option', { name: new RegExp(show.name) }))
    await headerSearch.press('Escape')

    // The card opens the show page with both showtimes: a tab per day, grouped by venue.
    await card.getByRole('link', { name: show.name }).click()
    await visitor.waitForURL(`**/shows/${showId}`)
    await visible(visitor.getByRole('heading', { name: show.name, level: 1 }))
    const showtimes = visitor.getByRole('region', { name: 'Showtimes' })
    expect(await showtimes.getByRole('tab').count()).toBe(2)
    for (const s of screenings) {
      await showtimes.getByRole('tab', { name: spelled(s.date, 'short') }).click()
      const day = await visible(showtimes.getByRole('tabpanel', { name: spelled(s.date, 'short') }))
      await visible(day.getByRole('heading', { name: s.day, level: 3 }))
      const times = day.getByRole('list', { name: `Showtimes at ${venue.name}` })
      await visible(times.getByRole('link', { name: new RegExp(`^${s.time}\\b`) }))
      expect(await times.getByRole('link').count()).toBe(1)
      expect(await times.getByRole('link').innerText()).toMatch(/₹250[\s,]+Available/)
    }

    // Separately: the home page filtered by the venue's city lists the show.
    const cityPage = await newPage()
    await open(cityPage, '/')
    await cityPage.getByRole('main').getByRole('combobox', { name: 'City', exact: true }).selectOption(venue.city)
    await cityPage.waitForURL(url => url.searchParams.get('city') === venue.city)
    await visible(cityPage.getByRole('heading', { name: `What's on in ${venue.city}`, level: 1 }))
    await visible(cityPage.getByRole('heading', { name: `1 show in ${venue.city}` }))
    await visible(cityPage.getByRole('article').getByRole('link', { name: show.name }))
    expect(await cityPage.getByRole('article').count()).toBe(1)

    // From the show page, the first showtime opens its screening: venue, time and seat map,
    // inside the app (the tile is a plain link: the page is not loaded afresh).
    const first = screenings[0]!
    await showtimes.getByRole('tab', { name: spelled(first.date, 'short') }).click()
    const tile = showtimes.getByRole('tabpanel', { name: spelled(first.date, 'short') }).getByRole('link', { name: new RegExp(`^${first.time}\\b`) })
    // A Ctrl+click is the browser's: the screening opens in a new tab, this page stays.
    const showPage = visitor.url()
    const [tab] = await Promise.all([visitor.context().waitForEvent('page'), tile.click({ modifiers: ['Control'] })])
    await tab.waitForURL(/\/screenings\/\d+$/)
    await tab.close()
    expect(visitor.url()).toBe(showPage)
    await visitor.evaluate(() => Object.assign(window, { sameDocument: true }))
    await tile.click()
    await visitor.waitForURL(/\/screenings\/\d+$/)
    expect(await visitor.evaluate(() => (window as { sameDocument?: boolean }).sameDocument)).toBe(true)
    await visible(visitor.getByRole('heading', { name: show.name, level: 1 }))
    const details = visitor.getByRole('list', { name: 'Screening details' })
    await visible(details.getByText(first.when, { exact: true }))
    await visible(details.getByRole('link', { name: venue.name }))
    expect(await details.innerText()).toContain(venue.city)
    await visible(details.getByText('40 of 40 seats left'))
    await visible(visitor.getByText(`Times are local to the venue (${TIMEZONE}).`))

    // The seat map is the picker, after "How many seats?" (skipped here): a grid of seat
    // buttons, Row A nearest the screen.
    await visible(visitor.getByRole('form', { name: 'How many seats?' }))
    await settled(visitor)
    await visitor.getByRole('button', { name: 'Choose on the map' }).click()
    const seats = await visible(visitor.getByRole('grid', { name: 'Seats. Row A is nearest the screen.' }))
    const seatRows = seats.getByRole('row')
    expect(await seatRows.count()).toBe(4)
    const rowNames = await seatRows.getByRole('rowheader').allInnerTexts()
    expect(rowNames.map(name => name.replace(/\s+/g, ' '))).toEqual(['Row A', 'Row B', 'Row C', 'Row D'])
    await visible(seats.getByRole('button', { name: 'Row A, seat 1, free' }))
    expect(await seats.getByRole('button', { name: /^Row A, seat \d+, free$/ }).count()).toBe(10)
  })

  it('a long list comes in pages of twelve, and a tag on a show page leads back to the list of that tag', async ({ newPage, server, adminToken }) => {
    // Fourteen shows with one tag of their own, each on once: two pages of results.
    const tag = `paged-${suffix}`
    const post = async (path: string, body: object) => {
      const res = await server.request('POST', path, { token: adminToken, body })
      if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(res.body)}`)
      return res.body as { id: number }
    }
    const hall = await post('/api/venues', { name: `Paged Hall ${suffix}`, place: `Pageton-${suffix}`, capacity: 20, seatsPerRow: 10 })
    const names = Array.from({ length: 14 }, (_, i) => `Paged Show ${String(i + 1).padStart(2, '0')} ${suffix}`)
    for (const [i, name] of names.entries()) {
      const made = await post('/api/shows', { name, ticketPrice: 10_000, durationMinutes: 60, tags: [tag] })
      await post('/api/screenings', { showId: made.id, venueId: hall.id, startsAt: new Date(Date.now() + (2 + i) * 86_400_000).toISOString() })
    }

    const page = await newPage()
    await open(page, `/?tag=${tag}`)
    await visible(page.getByRole('heading', { name: `14 shows tagged ${tag}` }))
    await visible(page.getByText('Page 1 of 2'))
    expect(await page.getByRole('article').count()).toBe(12)
    const pages = page.getByRole('navigation', { name: 'Pages of results' })
    expect(await pages.getByRole('link', { name: 'Page 1' }).getAttribute('aria-current')).toBe('page')
    expect(await pages.getByRole('link', { name: 'Previous page' }).getAttribute('aria-disabled')).toBe('true')

    // The next page holds the last two, and says so.
    await pages.getByRole('link', { name: 'Next page' }).click()
    await page.waitForURL(url => url.searchParams.get('page') === '2')
    await visible(page.getByText('Showing 13–14 of 14 shows'))
    expect(await page.getByRole('article').count()).toBe(2)
    expect(await pages.getByRole('link', { name: 'Page 2' }).getAttribute('aria-current')).toBe('page')
    expect(await pages.getByRole('link', { name: 'Next page' }).getAttribute('aria-disabled')).toBe('true')

    // Back to page 1 by its number; then a show's tag, on its page, lists the tag again.
    await pages.getByRole('link', { name: 'Page 1' }).click()
    await page.waitForURL(url => !url.searchParams.has('page'))
    await visible(page.getByText('Showing 1–12 of 14 shows'))
    const first = await visible(page.getByRole('article').first())
    await first.getByRole('link').click()
    await page.waitForURL(/\/shows\/\d+$/)
    await page.getByRole('list', { name: 'Tags' }).getByRole('link', { name: `Shows tagged ${tag}` }).click()
    await page.waitForURL(url => url.pathname === '/' && url.searchParams.get('tag') === tag)
    await visible(page.getByRole('heading', { name: `14 shows tagged ${tag}` }))
  })

  it('a show that does not exist answers the 404 page', async ({ newPage }) => {
    const page = await newPage()
    for (const path of [`/shows/${(showId ?? 1) + 100_000}`, '/shows/not-a-number']) {
      const res = await page.goto(path)
      expect(res?.status(), path).toBe(404)
      await settled(page)
      await visible(page.getByRole('heading', { name: 'Page not found', level: 1 }))
      await visible(page.getByText('The page you asked for does not exist or was removed.'))
    }
    // Back home from there.
    await page.getByRole('button', { name: 'Back to the home page' }).click()
    await page.waitForURL(url => url.pathname === '/')
    await visible(page.getByRole('heading', { level: 1 }))
  })
})
