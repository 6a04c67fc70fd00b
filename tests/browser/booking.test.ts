import { mkdirSync, readFileSync } from 'node:fs'
import type { Locator, Page } from 'playwright-core'
import { ADMIN, createApprovedUser } from '../helpers/server'
import type { TestServer } from '../helpers/server'
import { describe, expect, fillLogin, headerUsername, it, logInThroughForm, open, settled, uniqueName, visible } from '../helpers/browser-fixture'
import { ICONS, blankIcons, lowContrastText } from './a11y'
import { openServerDb } from '../helpers/fixtures'
import { compileHall } from '#shared/layout'
import type { HallLayout, LayoutPlace } from '#shared/layout'
import { bestSeats, bestSplit, seatRange } from '#shared/seating'
import { compareSeats } from '#shared/seats'

// Booking in a real Chromium against the built production server: picking seats with the
// keyboard, booking, the confirmation, My bookings, changing seats, cancelling, the CSV
// export, logging in halfway through, and losing a seat to someone quicker. Pages are
// driven through roles, labels and visible text, as a person (or a screen reader) would.

const SHOTS = '/tmp/ticketshow-shots'
const PRICE = 25_000 // minor units: ₹250.00 a seat

interface TestScreening { id: number, show: string, venue: string }

/**
 * A screening of its own show at its own venue (so no two tests share seats), a few days
 * ahead; `seatsPerRow` seats a row, rows A, B, …
 */
async function createScreening(server: TestServer, adminToken: string, { capacity = 48, seatsPerRow = 8 } = {}): Promise<TestScreening> {
  const venueName = uniqueName('Hall ')
  const venue = await server.request('POST', '/api/venues', { token: adminToken, body: { name: venueName, place: 'Pune', capacity, seatsPerRow, timezone: 'Asia/Kolkata' } })
  expect(venue.status).toBe(201)
  const showName = uniqueName('Film ')
  const show = await server.request('POST', '/api/shows', { token: adminToken, body: { name: showName, tags: ['drama'], ticketPrice: PRICE, durationMinutes: 120 } })
  expect(show.status).toBe(201)
  const startsAt = new Date(Date.now() + 3 * 86_400_000)
  startsAt.setUTCHours(13, 0, 0, 0)
  const screening = await server.request('POST', '/api/screenings', { token: adminToken, body: { showId: show.body.id, venueId: venue.body.id, startsAt: startsAt.toISOString() } })
  expect(screening.status).toBe(201)
  return { id: screening.body.id, show: showName, venue: venueName }
}

const PRIME = 35_000
const RECLINER = 50_000

/**
 * A hall as the demo data has them: ten rows of twelve with an aisle after seat 6, rows
 * A–E Classic, F–I Prime and J Recliner.
 */
function demoHall(): HallLayout {
  const categoryOf = (row: number) => row === 9 ? 'recliner' : row >= 5 ? 'prime' : 'classic'
  return {
    categories: [{ id: 'classic', name: 'Classic' }, { id: 'prime', name: 'Prime' }, { id: 'recliner', name: 'Recliner' }],
    rows: Array.from({ length: 10 }, (_, row) => {
      const places: LayoutPlace[] = []
      for (let seat = 1; seat <= 12; seat++) {
        places.push({ seat, category: categoryOf(row) })
        if (seat === 6) places.push({ gap: true })
      }
      return { label: String.fromCharCode(65 + row), places }
    }),
  }
}

/** A screening in a hall of three categories (`demoHall`): Classic at PRICE, Prime and Recliner dearer. */
async function createTieredScreening(server: TestServer, adminToken: string): Promise<TestScreening & { layout: HallLayout }> {
  const layout = demoHall()
  const venueName = uniqueName('Hall ')
  const venue = await server.request('POST', '/api/venues', { token: adminToken, body: { name: venueName, place: 'Pune', capacity: 120, seatsPerRow: 12, timezone: 'Asia/Kolkata' } })
  expect(venue.status).toBe(201)
  expect((await server.request('PUT', `/api/venues/${venue.body.id}/layout`, { token: adminToken, body: layout })).status).toBe(200)
  const showName = uniqueName('Film ')
  const show = await server.request('POST', '/api/shows', { token: adminToken, body: { name: showName, tags: ['drama'], ticketPrice: PRICE, durationMinutes: 120 } })
  expect(show.status).toBe(201)
  const startsAt = new Date(Date.now() + 3 * 86_400_000)
  startsAt.setUTCHours(13, 0, 0, 0)
  const screening = await server.request('POST', '/api/screenings', { token: adminToken, body: { showId: show.body.id, venueId: venue.body.id, startsAt: startsAt.toISOString(), prices: { prime: PRIME, recliner: RECLINER } } })
  expect(screening.status).toBe(201)
  return { id: screening.body.id, show: showName, venue: venueName, layout }
}

/** A seat of the picker by its accessible name: `seat(page, 'C', 5)` is "Row C, seat 5, …". */
function seat(page: Page, row: string, number: number): Locator {
  return page.getByRole('grid', { name: /^Seats/ }).getByRole('button', { name: new RegExp(`^Row ${row}, seat ${number}, `) })
}

async function seatName(page: Page, row: string, number: number): Promise<string | null> {
  return seat(page, row, number).getAttribute('aria-label')
}

/** The accessible name of whatever has the keyboard focus. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent?.trim() ?? '')
}

/** True when the element has the keyboard focus. */
function isFocused(locator: Locator): Promise<boolean> {
  return locator.evaluate(el => el === document.activeElement)
}

/** Presses keys one after another, as a person would. */
async function press(page: Page, ...keys: string[]): Promise<void> {
  for (const key of keys) await page.keyboard.press(key)
}

/** The seat map's "How many seats?" start, which someone arriving with no seats chosen sees first. */
function seatStart(page: Page): Locator {
  return page.getByRole('form', { name: 'How many seats?' })
}

/** Answers the start with "Choose on the map", as someone who picks their seats by hand. */
async function chooseOnTheMap(page: Page): Promise<void> {
  await seatStart(page).getByRole('button', { name: 'Choose on the map' }).click()
  await visible(page.getByRole('grid', { name: /^Seats/ }))
}

/**
 * Puts the keyboard just before the seat map (as if reading down to it: past the button
 * that asks "How many seats?" again, when there is one) and tabs in.
 */
async function tabIntoSeats(page: Page): Promise<void> {
  const ask = page.getByRole('button', { name: /^(How many seats\?|Change number of seats)$/ })
  if (await ask.count()) await ask.focus()
  else await page.getByRole('heading', { name: /Pick your seats/ }).click()
  await page.keyboard.press('Tab')
  expect(await focused(page)).toMatch(/^Row [A-Z]+, seat \d+, (.+, )?(free|selected|taken)$/)
}

function summary(page: Page): Locator {
  return page.getByRole('region', { name: /Your (new )?seats/ })
}

function bookButton(page: Page, name: 'Book' | 'Change seats' = 'Book'): Locator {
  return summary(page).getByRole('button', { name })
}

describe('the seat picker', () => {
  it('is one tab stop; arrow keys, Home and End move seat by seat, taken seats are reachable but cannot be picked', async ({ server, adminToken, newPage }) => {
    const screening = await createScreening(server, adminToken, { capacity: 20, seatsPerRow: 6 }) // rows A–C of 6, D of 2
    const other = await createApprovedUser(server, adminToken, uniqueName('early'))
    expect((await server.request('POST', '/api/bookings', { token: other.token, body: { screeningId: screening.id, seats: ['A2'] } })).status).toBe(201)

    const page = await newPage()
    await open(page, `/screenings/${screening.id}`)
    await chooseOnTheMap(page)
    expect(await page.getByText('Screen', { exact: true }).count()).toBe(1)
    expect(await page.getByRole('list', { name: 'Legend' }).innerText()).toMatch(/Free[\s\S]*Selected[\s\S]*Taken/)
    // The keyboard hint is the grid's description (its id survived hydration).
    const hint = await page.getByRole('grid').evaluate(grid => document.getElementById(grid.getAttribute('aria-describedby') ?? '')?.textContent?.trim())
    expect(hint).toBe('Pick up to 10 seats. With a keyboard: arrow keys move, Space or Enter picks.')
    // Every row is labelled at both ends.
    for (const row of ['A', 'B', 'C', 'D']) expect(await page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: `Row ${row}` }) }).innerText()).toMatch(new RegExp(`^(Row\\s+)?${row}\\s[\\s\\S]*\\s${row}$`))

    // The taken seat says so in its name, is aria-disabled, and shows a cross.
    expect(await seatName(page, 'A', 2)).toBe('Row A, seat 2, taken')
    expect(await seat(page, 'A', 2).getAttribute('aria-disabled')).toBe('true')
    expect(await seat(page, 'A', 2).locator(ICONS).count()).toBe(1)

    // Exactly one seat is in the tab order: the first free one.
    expect(await page.getByRole('grid').locator('[tabindex="0"]').count()).toBe(1)
    await tabIntoSeats(page)
    expect(await focused(page)).toBe('Row A, seat 1, free')

    // Right moves along the row without skipping the taken seat, and wraps to the next row.
    await press(page, 'ArrowRight')
    expect(await focused(page)).toBe('Row A, seat 2, taken')
    await press(page, 'Space')
    expect(await seatName(page, 'A', 2)).toBe('Row A, seat 2, taken')
    await press(page, 'End')
    expect(await focused(page)).toBe('Row A, seat 6, free')
    await press(page, 'ArrowRight')
    expect(await focused(page)).toBe('Row B, seat 1, free')
    await press(page, 'ArrowLeft')
    expect(await focused(page)).toBe('Row A, seat 6, free')
    // Down keeps the seat number; in the short last row it stops at the nearest seat.
    await press(page, 'ArrowDown', 'ArrowDown')
    expect(await focused(page)).toBe('Row C, seat 6, free')
    await press(page, 'ArrowDown')
    expect(await focused(page)).toBe('Row D, seat 2, free')
    await press(page, 'ArrowDown')
    expect(await focused(page)).toBe('Row D, seat 2, free')
    await press(page, 'ArrowUp', 'Home')
    expect(await focused(page)).toBe('Row C, seat 1, free')
    await press(page, 'Control+End')
    expect(await focused(page)).toBe('Row D, seat 2, free')
    await press(page, 'Control+Home')
    expect(await focused(page)).toBe('Row A, seat 1, free')

    // Space and Enter both toggle; the seat shows a check as well as its colour.
    await press(page, 'ArrowDown', 'Space')
    expect(await focused(page)).toBe('Row B, seat 1, selected')
    expect(await seat(page, 'B', 1).locator(ICONS).count()).toBe(1)
    await press(page, 'Enter')
    expect(await focused(page)).toBe('Row B, seat 1, free')
    await press(page, 'Enter')
    expect(await page.getByRole('status').filter({ hasText: 'Row B, seat 1 selected. 1 seat chosen.' }).count()).toBe(1)

    // Tab leaves the grid at once; Shift+Tab comes back to the seat last used.
    await press(page, 'Tab')
    expect(await focused(page)).not.toMatch(/^Row /)
    await press(page, 'Shift+Tab')
    expect(await focused(page)).toBe('Row B, seat 1, selected')
  })

  it('takes at most ten seats', async ({ server, adminToken, newPage }) => {
    const screening = await createScreening(server, adminToken, { capacity: 24, seatsPerRow: 12 })
    const page = await newPage()
    await open(page, `/screenings/${screening.id}`)
    await chooseOnTheMap(page)
    await tabIntoSeats(page)
    for (let i = 0; i < 11; i++) await press(page, 'Space', 'ArrowRight')
    expect(await seatName(page, 'A', 10)).toBe('Row A, seat 10, selected')
    expect(await seatName(page, 'A', 11)).toBe('Row A, seat 11, free')
    await visible(page.getByText('10 seats is the most for one booking'))
    expect(await summary(page).getByTestId('summary-count').innerText()).toBe('10 seats')
  })
})

describe('booking in the browser', () => {
  it('a member picks two seats with the keyboard, books, finds it in My bookings, changes to three seats, cancels and exports the CSV', async ({ server, adminToken, newPage }) => {
    const screening = await createScreening(server, adminToken)
    const member = await createApprovedUser(server, adminToken, uniqueName('member'))
    const page = await newPage()
    await logInThroughForm(page, member.username, member.password)

    // Pick C4 and C5 without touching the mouse.
    await open(page, `/screenings/${screening.id}`)
    await visible(page.getByRole('heading', { level: 1, name: screening.show }))
    expect(await bookButton(page).isDisabled()).toBe(true)
    await chooseOnTheMap(page)
    await tabIntoSeats(page)
    expect(await focused(page)).toBe('Row A, seat 1, free')
    await press(page, 'ArrowDown', 'ArrowDown', 'ArrowRight', 'ArrowRight', 'ArrowRight', 'Space', 'ArrowRight', 'Space')
    expect(await focused(page)).toBe('Row C, seat 5, selected')
    expect(await seatName(page, 'C', 4)).toBe('Row C, seat 4, selected')
    await expect.poll(() => new URL(page.url()).searchParams.get('seats')).toBe('C4,C5')

    // The summary counts them and prices them in rupees.
    expect(await summary(page).getByTestId('summary-seats').innerText()).toBe('C4, C5')
    expect(await summary(page).getByTestId('summary-count').innerText()).toBe('2 seats')
    expect(await summary(page).getByTestId('summary-total').innerText()).toContain('₹500.00')

    // Book: the button shows progress and a second press sends nothing more.
    let posts = 0
    page.on('request', (req) => {
      if (req.method() === 'POST' && new URL(req.url()).pathname === '/api/bookings') posts++
    })
    await bookButton(page).click()
    await bookButton(page).click({ timeout: 1000 }).catch(() => { /* already gone or disabled: that is the point */ })
    await page.waitForURL(url => /^\/bookings\/\d+$/.test(url.pathname) && url.searchParams.get('new') === '1')
    await settled(page)
    expect(posts).toBe(1)
    // Back on the screening page (say, with the Back button) the booked seats are not offered again.
    await page.goBack()
    await page.waitForURL(url => url.pathname === `/screenings/${screening.id}`)
    expect(new URL(page.url()).searchParams.get('seats')).toBeNull()
    await page.goForward()
    await page.waitForURL(url => /^\/bookings\/\d+$/.test(url.pathname))

    // The confirmation: banner, reference, seats, total, QR code.
    await visible(page.getByText('You\'re booked!'))
    const reference = (await page.getByTestId('booking-reference').innerText()).trim()
    expect(reference).toMatch(/^[2-9A-Z]{8}$/)
    expect(await page.getByTestId('booking-seats').innerText()).toBe('C4, C5')
    expect(await page.getByTestId('booking-total').innerText()).toContain('₹500.00')
    await visible(page.getByRole('img', { name: `QR code of booking ${reference}` }))
    const bookingId = Number(new URL(page.url()).pathname.split('/').pop())
    const stored = await server.request('GET', `/api/bookings/${bookingId}`, { token: member.token })
    expect(stored.body).toMatchObject({ reference, seats: ['C4', 'C5'], quantity: 2, total: 2 * PRICE, status: 'confirmed' })

    // My bookings lists it; "Change seats" opens the picker with its seats chosen.
    await page.getByRole('link', { name: 'My bookings' }).click()
    await page.waitForURL(url => url.pathname === '/bookings')
    await settled(page)
    const card = await visible(page.locator('div').filter({ hasText: `Ref ${reference}` }).filter({ has: page.getByRole('link', { name: `Change seats for ${screening.show}` }) }).last())
    expect(await card.innerText()).toContain('C4, C5')
    await card.getByRole('link', { name: `Change seats for ${screening.show}` }).click()
    await page.waitForURL(url => url.pathname === `/screenings/${screening.id}` && url.searchParams.get('change') === String(bookingId))
    await settled(page)
    await visible(page.getByText(`Changing booking ${reference}`))
    expect(await seatName(page, 'C', 4)).toBe('Row C, seat 4, selected')
    expect(await seatName(page, 'C', 5)).toBe('Row C, seat 5, selected')
    expect(await bookButton(page, 'Change seats').isDisabled()).toBe(true)
    mkdirSync(SHOTS, { recursive: true })
    await page.screenshot({ path: `${SHOTS}/seat-picker-change-light.png` })

    // Add C6 by keyboard: the grid's tab stop is the first chosen seat.
    await tabIntoSeats(page)
    expect(await focused(page)).toBe('Row C, seat 4, selected')
    await press(page, 'ArrowRight', 'ArrowRight', 'Space')
    expect(await focused(page)).toBe('Row C, seat 6, selected')
    expect(await summary(page).getByTestId('summary-total').innerText()).toContain('₹750.00')
    await bookButton(page, 'Change seats').click()
    await page.waitForURL(url => url.pathname === `/bookings/${bookingId}` && !url.search)
    await settled(page)
    await expect.poll(() => page.getByTestId('booking-seats').innerText()).toBe('C4, C5, C6')
    expect(await page.getByTestId('booking-total').innerText()).toContain('₹750.00')

    // Cancel it from My bookings, through the confirmation dialog.
    await page.getByRole('link', { name: 'My bookings' }).click()
    await page.waitForURL(url => url.pathname === '/bookings')
    await settled(page)
    await page.getByRole('button', { name: `Cancel booking ${reference}` }).click()
    const dialog = await visible(page.getByRole('dialog', { name: 'Cancel this booking?' }))
    expect(await dialog.innerText()).toContain('C4, C5, C6')
    await dialog.getByRole('button', { name: 'Cancel booking' }).click()
    await visible(page.getByRole('region', { name: /Notifications/ }).getByText('Booking cancelled'))
    await dialog.waitFor({ state: 'detached' })
    await expect.poll(async () => (await page.locator('div').filter({ hasText: `Ref ${reference}` }).last().innerText())).toContain('Cancelled')
    expect((await server.request('GET', `/api/bookings/${bookingId}`, { token: member.token })).body.status).toBe('cancelled')

    // Export the CSV and read the downloaded file.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ])
    expect(download.suggestedFilename()).toMatch(/\.csv$/)
    const csv = readFileSync((await download.path())!, 'utf8')
    const line = csv.split(/\r?\n/).find(l => l.includes(reference))
    expect(line).toBeDefined()
    expect(line).toContain('cancelled')
    expect(line).toContain(screening.show)
  })

  it('a visitor picks seats, is sent to log in, and comes back to the same seats', async ({ server, adminToken, newPage }) => {
    const screening = await createScreening(server, adminToken)
    const member = await createApprovedUser(server, adminToken, uniqueName('visitor'))
    const page = await newPage()
    await open(page, `/screenings/${screening.id}`)
    await visible(page.getByText('You will log in before booking; your seats stay chosen.'))
    await chooseOnTheMap(page)
    await seat(page, 'B', 3).click()
    await seat(page, 'B', 4).click()
    expect(await summary(page).getByTestId('summary-seats').innerText()).toBe('B3, B4')

    await bookButton(page).click()
    await page.waitForURL(url => url.pathname === '/login')
    expect(new URL(page.url()).searchParams.get('redirect')).toBe(`/screenings/${screening.id}?seats=B3,B4`)
    await settled(page)
    await fillLogin(page, member.username, member.password)
    await page.getByRole('button', { name: 'Log in' }).click()

    await page.waitForURL(url => url.pathname === `/screenings/${screening.id}`)
    await settled(page)
    await expect.poll(() => headerUsername(page).textContent(), { timeout: 10_000 }).toBe(member.username)
    expect(await seatName(page, 'B', 3)).toBe('Row B, seat 3, selected')
    expect(await seatName(page, 'B', 4)).toBe('Row B, seat 4, selected')
    expect(await summary(page).getByTestId('summary-seats').innerText()).toBe('B3, B4')

    await bookButton(page).click()
    await page.waitForURL(url => /^\/bookings\/\d+$/.test(url.pathname))
    await settled(page)
    expect(await page.getByTestId('booking-seats').innerText()).toBe('B3, B4')
  })

  it('when someone else books a chosen seat first, the page says which, marks it taken and keeps the other', async ({ server, adminToken, newPage }) => {
    const screening = await createScreening(server, adminToken)
    const member = await createApprovedUser(server, adminToken, uniqueName('slow'))
    const quick = await createApprovedUser(server, adminToken, uniqueName('quick'))
    const page = await newPage()
    await logInThroughForm(page, member.username, member.password)
    await open(page, `/screenings/${screening.id}`)
    await chooseOnTheMap(page)
    await seat(page, 'D', 4).click()
    await seat(page, 'D', 5).click()

    // While the page is open, seats others book show up as taken at once, through the live
    // stream (the map says it is live once the stream's first event is in), and are announced.
    await visible(page.locator('figure[data-live]'))
    expect((await server.request('POST', '/api/bookings', { token: quick.token, body: { screeningId: screening.id, seats: ['F1'] } })).status).toBe(201)
    await expect.poll(() => seatName(page, 'F', 1), { timeout: 15_000, interval: 50 }).toBe('Row F, seat 1, taken')
    expect((await page.getByTestId('live-news').textContent())?.trim()).toBe('F1 was just taken')

    // D4 and D5 are held for the member while they choose: nobody else can book them.
    await visible(summary(page).getByTestId('hold-timer'))
    expect((await server.request('POST', '/api/bookings', { token: quick.token, body: { screeningId: screening.id, seats: ['D5'] } })).status).toBe(409)
    // Until the hold has run out (moved into the past behind the page's back): then someone
    // takes D5, and the live map tells this page at once, before the member presses Book.
    const db = openServerDb(server)
    await db.updateTable('seat_holds').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('screening_id', '=', screening.id).execute()
    await db.destroy()
    expect((await server.request('POST', '/api/bookings', { token: quick.token, body: { screeningId: screening.id, seats: ['D5'] } })).status).toBe(201)

    const alert = await visible(summary(page).getByRole('alert'))
    expect(await alert.innerText()).toContain('Someone else just booked seat D5')
    expect(await seatName(page, 'D', 5)).toBe('Row D, seat 5, taken')
    expect(await seat(page, 'D', 5).getAttribute('aria-disabled')).toBe('true')
    expect(await seatName(page, 'D', 4)).toBe('Row D, seat 4, selected')
    expect(await summary(page).getByTestId('summary-seats').innerText()).toBe('D4')
    expect(new URL(page.url()).pathname).toBe(`/screenings/${screening.id}`)
    expect(await lowContrastText(page)).toEqual([])
    mkdirSync(SHOTS, { recursive: true })
    await page.screenshot({ path: `${SHOTS}/seat-picker-taken-light.png` })

    // The rest of the selection still books.
    await bookButton(page).click()
    await page.waitForURL(url => /^\/bookings\/\d+$/.test(url.pathname))
    await settled(page)
    expect(await page.getByTestId('booking-seats').innerText()).toBe('D4')
  })
})

describe('seat holds', () => {
  it('holds the chosen seats with a countdown; seats someone else holds cannot be picked', async ({ server, adminToken, newPage }) => {
    const screening = await createScreening(server, adminToken)
    const member = await createApprovedUser(server, adminToken, uniqueName('chooser'))
    const other = await createApprovedUser(server, adminToken, uniqueName('other'))
    // Someone else is choosing E4 right now.
    expect((await server.request('PUT', `/api/screenings/${screening.id}/hold`, { token: other.token, body: { seats: ['E4'] } })).status).toBe(200)

    const page = await newPage()
    await logInThroughForm(page, member.username, member.password)
    await open(page, `/screenings/${screening.id}`)
    await chooseOnTheMap(page)
    expect(await seatName(page, 'E', 4)).toBe('Row E, seat 4, taken')
    await seat(page, 'C', 4).click()
    await seat(page, 'C', 5).click()
    const timer = await visible(summary(page).getByTestId('hold-timer'))
    expect((await timer.innerText()).trim()).toMatch(/^Held for you for [78]:[0-5]\d$/)
    // The countdown runs.
    const first = await timer.innerText()
    await expect.poll(() => timer.innerText(), { timeout: 5000 }).not.toBe(first)
    // Held for the member: the other person can neither hold nor book them now.
    const clash = await server.request('PUT', `/api/screenings/${screening.id}/hold`, { token: other.token, body: { seats: ['C5'] } })
    expect(clash.status).toBe(409)
    expect(clash.body.data.taken).toEqual(['C5'])
    expect((await server.request('POST', '/api/bookings', { token: other.token, body: { screeningId: screening.id, seats: ['C4'] } })).status).toBe(409)

    await bookButton(page).click()
    await page.waitForURL(url => /^\/bookings\/\d+$/.test(url.pathname))
    await settled(page)
    expect(await page.getByTestId('booking-seats').innerText()).toBe('C4, C5')
  })
})

describe('"How many seats?"', () => {
  /** The seats the picker has chosen, in the summary's words. */
  const chosenSeats = (page: Page) => summary(page).getByTestId('summary-seats').innerText().catch(() => '')
  /** What the page said about the seats it picked. */
  const suggestion = (page: Page) => page.getByTestId('seat-suggestion').innerText()

  it('a party of four in one category: asked for 4 Prime seats, the page picks and holds four side by side, and they book at Prime\'s price', async ({ server, adminToken, newPage }) => {
    const screening = await createTieredScreening(server, adminToken)
    const member = await createApprovedUser(server, adminToken, uniqueName('party'))
    const other = await createApprovedUser(server, adminToken, uniqueName('rival'))
    const page = await newPage()
    await logInThroughForm(page, member.username, member.password)
    await open(page, `/screenings/${screening.id}`)

    // The seat section starts with the question, not the map.
    const start = await visible(seatStart(page))
    expect(await page.getByRole('grid', { name: /^Seats/ }).count()).toBe(0)
    const where = start.getByRole('group', { name: 'Where would you like to sit?' })
    expect((await where.innerText()).replace(/\s+/g, ' ')).toMatch(/Classic, ₹250\.00 60 seats left Prime, ₹350\.00 48 seats left Recliner, ₹500\.00 12 seats left/)

    // The number is a radio group: one tab stop, arrow keys choose.
    await start.getByRole('radio', { name: '1', exact: true }).focus()
    await press(page, 'ArrowRight', 'ArrowRight', 'ArrowRight')
    expect(await start.getByRole('radio', { name: '4', exact: true }).isChecked()).toBe(true)
    await where.getByRole('radio', { name: /^Prime/ }).check()
    await start.getByRole('button', { name: 'Find seats' }).click()

    // The best four Prime seats together, as the server's best-seats booking picks them.
    const expected = bestSeats(compileHall(screening.layout), new Set(), 4, 'prime')!
    const hall = compileHall(screening.layout)
    expect(expected.every(label => hall.seats.get(label)!.category === 'prime')).toBe(true)
    expect(new Set(expected.map(label => label[0])).size).toBe(1)
    await expect.poll(() => chosenSeats(page)).toBe(expected.join(', '))
    await expect.poll(() => suggestion(page)).toBe(`We picked ${seatRange(expected)}, the best 4 Prime seats together. Tap seats to change.`)
    // The keyboard is on the first of them, in the map; each seat's name is short.
    const [row, first] = [expected[0]![0]!, Number(expected[0]!.slice(1))]
    await expect.poll(() => focused(page)).toBe(`Row ${row}, seat ${first}, Prime, ₹350.00, selected`)
    for (const label of expected) expect(await seatName(page, label[0]!, Number(label.slice(1)))).toBe(`Row ${label[0]}, seat ${label.slice(1)}, Prime, ₹350.00, selected`)
    // A row is named by its label alone, not by every seat in it.
    const grid = page.getByRole('grid', { name: /^Seats/ })
    expect(await grid.getByRole('row', { name: `Row ${row}`, exact: true }).count()).toBe(1)
    expect(await grid.getByRole('row', { name: `Row ${row}`, exact: true }).getByRole('gridcell').count()).toBe(12)
    expect(await grid.ariaSnapshot()).toContain(`- row "Row ${row}":`)

    // Held for the party, with the countdown; nobody else can have them meanwhile.
    const timer = await visible(summary(page).getByTestId('hold-timer'))
    expect((await timer.innerText()).trim()).toMatch(/^Held for you for [78]:[0-5]\d$/)
    await expect.poll(async () => (await server.request('PUT', `/api/screenings/${screening.id}/hold`, { token: other.token, body: { seats: [expected[0]] } })).status).toBe(409)
    expect(await summary(page).getByTestId('summary-count').innerText()).toBe('4 seats')
    expect(await summary(page).getByTestId('summary-total').innerText()).toContain('₹1,400.00')

    await bookButton(page).click()
    await page.waitForURL(url => /^\/bookings\/\d+$/.test(url.pathname))
    await settled(page)
    const bookingId = Number(new URL(page.url()).pathname.split('/').pop())
    const stored = await server.request('GET', `/api/bookings/${bookingId}`, { token: member.token })
    expect(stored.body).toMatchObject({ seats: expected, quantity: 4, total: 4 * PRIME, status: 'confirmed' })
    expect(stored.body.lines.map((l: { category: string, price: number }) => [l.category, l.price])).toEqual(expected.map(() => ['prime', PRIME]))
  })

  it('"Choose on the map" skips it for the rest of the visit; asked again, another number suggests again; with no party together left, the best split and a category that has one', async ({ server, adminToken, newPage, newContext }) => {
    const screening = await createTieredScreening(server, adminToken)
    const hall = compileHall(screening.layout)
    const member = await createApprovedUser(server, adminToken, uniqueName('chooser'))
    const other = await createApprovedUser(server, adminToken, uniqueName('early'))
    // The Recliner row J (1–6, aisle, 7–12) has eight seats free, no four side by side.
    const booked = ['J1', 'J3', 'J10', 'J12']
    expect((await server.request('POST', '/api/bookings', { token: other.token, body: { screeningId: screening.id, seats: booked } })).status).toBe(201)

    const context = await newContext()
    const page = await context.newPage()
    await logInThroughForm(page, member.username, member.password)
    await open(page, `/screenings/${screening.id}`)
    await chooseOnTheMap(page)
    expect(await summary(page).getByTestId('summary-seats').count()).toBe(0)
    // Back on the page in the same visit: straight to the map.
    await open(page, `/screenings/${screening.id}`)
    await visible(page.getByRole('grid', { name: /^Seats/ }))
    expect(await seatStart(page).count()).toBe(0)

    // Asked for again, from above the map: two seats (in Classic, the first category).
    await page.getByRole('button', { name: 'How many seats?' }).click()
    const start = await visible(seatStart(page))
    await expect.poll(() => isFocused(start.getByRole('radio', { name: '1', exact: true }))).toBe(true)
    await start.getByRole('radio', { name: '2', exact: true }).check()
    expect(await start.getByRole('radio', { name: /^Classic/ }).isChecked()).toBe(true)
    await start.getByRole('button', { name: 'Find seats' }).click()
    const two = bestSeats(hall, new Set(booked), 2, 'classic')!
    await expect.poll(() => chosenSeats(page)).toBe(two.join(', '))
    await visible(summary(page).getByTestId('hold-timer'))

    // Changing the number suggests again, from the seats free now (its own two among them),
    // and the hold follows: three seats held, the two before let go.
    await page.getByRole('button', { name: 'Change number of seats' }).click()
    await expect.poll(() => isFocused(seatStart(page).getByRole('radio', { name: '2', exact: true }))).toBe(true)
    await press(page, 'ArrowRight')
    expect(await seatStart(page).getByRole('radio', { name: '3', exact: true }).isChecked()).toBe(true)
    await seatStart(page).getByRole('button', { name: 'Find seats' }).click()
    const three = bestSeats(hall, new Set(booked), 3, 'classic')!
    await expect.poll(() => chosenSeats(page)).toBe(three.join(', '))
    await expect.poll(() => suggestion(page)).toBe(`We picked ${seatRange(three)}, the best 3 Classic seats together. Tap seats to change.`)
    const db = openServerDb(server)
    try {
      await expect.poll(async () => (await db.selectFrom('seat_holds').select('seat').where('screening_id', '=', screening.id).execute()).map(h => h.seat).sort().join()).toBe([...three].sort().join())
    }
    finally {
      await db.destroy()
    }

    // Four Recliners side by side are not to be had: the page says so, picks the best
    // split, and offers the categories that still have four together.
    await page.getByRole('button', { name: 'Change number of seats' }).click()
    await seatStart(page).getByRole('radio', { name: '4', exact: true }).check()
    await seatStart(page).getByRole('radio', { name: /^Recliner/ }).check()
    await seatStart(page).getByRole('button', { name: 'Find seats' }).click()
    const split = bestSplit(hall, new Set(booked), 4, 'recliner')!
    expect(split.map(b => b.length)).toEqual([3, 1])
    await expect.poll(() => suggestion(page)).toBe(`No 4 Recliner seats are free side by side now, so we picked the best split: ${split.map(seatRange).join(' and ')}. Tap seats to change.`)
    await expect.poll(() => chosenSeats(page)).toBe(split.flat().sort(compareSeats).join(', '))
    await page.getByRole('button', { name: 'Seat us together in Prime' }).click()
    const prime = bestSeats(hall, new Set(booked), 4, 'prime')!
    await expect.poll(() => chosenSeats(page)).toBe(prime.join(', '))
    await expect.poll(() => suggestion(page)).toBe(`We picked ${seatRange(prime)}, the best 4 Prime seats together. Tap seats to change.`)

    // Changed by hand, the words no longer hold and go.
    await seat(page, prime[0]![0]!, Number(prime[0]!.slice(1))).click()
    await expect.poll(() => suggestion(page)).toBe('')
    expect(await chosenSeats(page)).toBe(prime.slice(1).join(', '))

    // Ten Recliners cannot be had at all: nothing more is chosen, it says why, and offers
    // the categories with ten seats free (none has ten side by side).
    await page.getByRole('button', { name: 'How many seats?' }).click()
    await seatStart(page).getByRole('radio', { name: '10', exact: true }).check()
    await seatStart(page).getByRole('radio', { name: /^Recliner/ }).check()
    await seatStart(page).getByRole('button', { name: 'Find seats' }).click()
    await visible(seatStart(page).getByText('Only 8 Recliner seats are left: choose fewer seats or another category.'))
    expect(await chosenSeats(page)).toBe(prime.slice(1).join(', '))
    await seatStart(page).getByRole('button', { name: 'Try Classic' }).click()
    const ten = bestSplit(hall, new Set(booked), 10, 'classic')!
    await expect.poll(() => chosenSeats(page)).toBe(ten.flat().sort(compareSeats).join(', '))
    await expect.poll(() => suggestion(page)).toMatch(/^No 10 Classic seats are free side by side now, so we picked the best split: /)

    // A new visit asks again.
    const next = await newPage()
    await open(next, `/screenings/${screening.id}`)
    await visible(seatStart(next))
  })
})

describe('the summary bar never covers the focused seat (WCAG 2.2 SC 2.4.11)', () => {
  it('at 1366×768 and on a 390×844 phone, arrowing to the back row and along it', async ({ server, adminToken, newPage }) => {
    const screening = await createScreening(server, adminToken, { capacity: 216, seatsPerRow: 18 }) // rows A–L
    for (const device of [
      { viewport: { width: 1366, height: 768 } },
      { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
    ]) {
      // Someone of their own on each device: one person's hold is one hold per screening.
      const member = await createApprovedUser(server, adminToken, uniqueName('backrow'))
      const page = await newPage(device)
      await logInThroughForm(page, member.username, member.password)
      await open(page, `/screenings/${screening.id}`)
      await chooseOnTheMap(page)
      await tabIntoSeats(page)
      expect(await focused(page)).toBe('Row A, seat 1, free')
      // A seat chosen: the bar is as tall as it gets (seats, countdown).
      await press(page, 'Space')
      await visible(summary(page).getByTestId('hold-timer'))

      /** How the focused seat sits: over the summary bar or the header, or out of the window or the map's frame. */
      const obscured = () => page.evaluate(() => {
        const seat = document.activeElement!.getBoundingClientRect()
        const bar = document.querySelector('[aria-labelledby="summary-heading"]')!.getBoundingClientRect()
        const header = document.querySelector('header')!.getBoundingClientRect()
        const frame = document.querySelector('[aria-label^="Seat map"]')!.getBoundingClientRect()
        const overlaps = (r: DOMRect) => seat.left < r.right && seat.right > r.left && seat.top < r.bottom && seat.bottom > r.top
        const problems = []
        if (overlaps(bar)) problems.push('under the summary bar')
        if (overlaps(header)) problems.push('under the header')
        if (seat.top < 0 || seat.bottom > window.innerHeight) problems.push('out of the window')
        // The row labels (36 px) stick to the frame's edges.
        if (seat.left < frame.left + 36 || seat.right > frame.right - 36) problems.push('under a row label')
        return `${document.activeElement!.getAttribute('aria-label')}: ${problems.join(', ') || 'in view'}`
      })
      const walk = async (key: string, times: number) => {
        for (let i = 0; i < times; i++) {
          await press(page, key)
          await expect.poll(obscured, { timeout: 5000 }).toMatch(/: in view$/)
        }
      }
      await walk('ArrowDown', 11)
      expect(await focused(page)).toBe('Row L, seat 1, free')
      await walk('ArrowRight', 17)
      expect(await focused(page)).toBe('Row L, seat 18, free')
      await walk('ArrowUp', 11)
      expect(await focused(page)).toBe('Row A, seat 18, free')
      // A1 is free again for the next device.
      expect((await server.request('PUT', `/api/screenings/${screening.id}/hold`, { token: member.token, body: { seats: [] } })).status).toBe(200)
      await page.close()
    }
  })
})

describe('the phone overview of the hall', () => {
  it('shows the whole hall in small with the part in view outlined, hidden from screen readers, and a tap scrolls the map there', async ({ server, adminToken, newPage }) => {
    const screening = await createScreening(server, adminToken, { capacity: 216, seatsPerRow: 18 })
    const page = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 })
    await open(page, `/screenings/${screening.id}?seats=L17,L18`)
    const overview = await visible(page.getByTestId('hall-overview'))
    expect(await overview.getAttribute('aria-hidden')).toBe('true')
    expect(await overview.locator('rect').count()).toBe(216 + 1)
    const frame = page.locator('[aria-label^="Seat map"]')
    const scrollLeft = () => frame.evaluate(el => el.scrollLeft)
    const outline = page.getByTestId('hall-overview-view')
    const outlineX = () => outline.evaluate(el => Number(el.getAttribute('x')))
    // The map starts centred, and so does the outline.
    const before = await scrollLeft()
    expect(before).toBeGreaterThan(0)
    const box = (await overview.locator('svg').boundingBox())!
    await page.touchscreen.tap(box.x + box.width - 2, box.y + box.height / 2)
    await expect.poll(scrollLeft).toBeGreaterThan(before)
    await expect.poll(async () => frame.evaluate(el => Math.abs(el.scrollLeft + el.clientWidth - el.scrollWidth) < 2)).toBe(true)
    await expect.poll(outlineX).toBeGreaterThan(6)
    // The chosen seats show at the far right, brighter than the rest.
    expect(await overview.locator('rect.fill-primary').count()).toBe(2)
    await page.touchscreen.tap(box.x + 2, box.y + box.height / 2)
    await expect.poll(scrollLeft).toBe(0)
    await expect.poll(outlineX).toBe(0)
    // Not on a wider screen, where the whole hall fits.
    await page.setViewportSize({ width: 1280, height: 900 })
    await expect.poll(() => overview.isVisible()).toBe(false)
  })
})

describe('the admin view of a screening\'s bookings', () => {
  it('lists who booked which seats, with an empty state before anyone has', async ({ server, adminToken, newPage }) => {
    const screening = await createScreening(server, adminToken)
    const page = await newPage()
    await logInThroughForm(page, ADMIN.username, ADMIN.password)
    await open(page, `/admin/bookings?screening=${screening.id}`)
    await visible(page.getByRole('heading', { name: screening.show }))
    await visible(page.getByText('No bookings yet'))

    const member = await createApprovedUser(server, adminToken, uniqueName('guest'))
    const booked = await server.request('POST', '/api/bookings', { token: member.token, body: { screeningId: screening.id, seats: ['E2', 'E3'] } })
    expect(booked.status).toBe(201)
    await page.reload()
    await settled(page)
    const row = await visible(page.getByRole('row').filter({ hasText: booked.body.reference }))
    const text = await row.innerText()
    for (const part of [member.username, `${member.username}@example.test`, 'E2, E3', '₹500.00', 'Confirmed']) expect(text).toContain(part)
    expect(await page.getByText(screening.venue).count()).toBeGreaterThan(0)
    expect(await page.getByRole('table', { name: /^Seats: 46 free, 2 taken/ }).count()).toBe(1)
    expect(await blankIcons(page)).toEqual([])
    expect(await lowContrastText(page)).toEqual([])
    mkdirSync(SHOTS, { recursive: true })
    await page.screenshot({ path: `${SHOTS}/admin-bookings-light.png`, fullPage: true })
  })
})

describe('the look of the seat picker', () => {
  it('renders with a selection on a desktop and a 390 px phone, in light and dark mode', async ({ server, adminToken, newPage }) => {
    mkdirSync(SHOTS, { recursive: true })
    const screening = await createScreening(server, adminToken, { capacity: 180, seatsPerRow: 18 })
    const other = await createApprovedUser(server, adminToken, uniqueName('crowd'))
    expect((await server.request('POST', '/api/bookings', { token: other.token, body: { screeningId: screening.id, seats: ['E8', 'E9', 'E10', 'F9', 'F10', 'A1', 'J18'] } })).status).toBe(201)

    for (const colorScheme of ['light', 'dark'] as const) {
      for (const device of [
        { name: 'desktop', viewport: { width: 1280, height: 900 } },
        { name: 'phone', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
      ]) {
        const { name, ...options } = device
        const page = await newPage({ colorScheme, ...options })
        await open(page, `/screenings/${screening.id}?seats=G8,G9,G10`)
        expect(await page.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(colorScheme === 'dark')
        await visible(seat(page, 'G', 9))
        await seat(page, 'G', 11).focus()
        expect(await seatName(page, 'G', 9)).toBe('Row G, seat 9, selected')

        const layout = await page.evaluate(() => {
          const frame = document.querySelector('[aria-label^="Seat map"]')!
          const seats = [...document.querySelectorAll('[data-seat]')].map(el => el.getBoundingClientRect())
          return {
            frameScrolls: frame.scrollWidth > frame.clientWidth,
            pageScrolls: document.documentElement.scrollWidth > window.innerWidth,
            smallest: Math.min(...seats.map(r => Math.min(r.width, r.height))),
          }
        })
        expect(await blankIcons(page)).toEqual([])
        expect(await lowContrastText(page)).toEqual([])
        expect(layout.smallest).toBeGreaterThanOrEqual(24)
        expect(layout.pageScrolls).toBe(false)
        if (name === 'phone') expect(layout.frameScrolls).toBe(true)
        await page.screenshot({ path: `${SHOTS}/seat-picker-${name}-${colorScheme}-full.png`, fullPage: true })
        // What a person sees: the map under the heading, the summary stuck to the bottom.
        await page.getByRole('heading', { name: /Pick your seats/ }).evaluate(el => el.scrollIntoView())
        await page.screenshot({ path: `${SHOTS}/seat-picker-${name}-${colorScheme}.png` })
      }
    }

    // "How many seats?" in a hall of three categories, down to a 320 px phone.
    const tiered = await createTieredScreening(server, adminToken)
    for (const [name, width, height] of [['desktop', 1280, 900], ['phone-320', 320, 640]] as const) {
      const page = await newPage({ viewport: { width, height }, isMobile: name !== 'desktop', hasTouch: name !== 'desktop' })
      await open(page, `/screenings/${tiered.id}`)
      const start = await visible(seatStart(page))
      await start.getByRole('radio', { name: '3', exact: true }).check()
      expect(await lowContrastText(page)).toEqual([])
      expect(await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth)).toBe(false)
      const smallest = await start.getByRole('radio').evaluateAll(els => Math.min(...els.map(el => Math.min(el.getBoundingClientRect().width, el.getBoundingClientRect().height))))
      expect(smallest).toBeGreaterThanOrEqual(16)
      await start.scrollIntoViewIfNeeded()
      await page.screenshot({ path: `${SHOTS}/seat-start-${name}.png` })
      await start.getByRole('button', { name: 'Find seats' }).click()
      await visible(page.getByTestId('seat-suggestion').getByText(/^We picked /))
      await page.screenshot({ path: `${SHOTS}/seat-start-${name}-suggested.png` })
    }
  })
})
