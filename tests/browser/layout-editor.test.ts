import type { Locator, Page } from 'playwright-core'
import type { HallLayout } from '#shared/layout'
import type { VenueDetail } from '#shared/types/api'
import { ADMIN, createApprovedUser } from '../helpers/server'
import type { TestServer } from '../helpers/server'
import { axeViolations } from './a11y'
import { describe, expect, it, logInThroughForm, open, settled, uniqueName, visible } from '../helpers/browser-fixture'

// The hall layout editor (/admin/venues/{id}/layout) in Chromium: an admin draws a hall with
// the keyboard alone, from the venues list to the saved layout, which the API then returns
// exactly as drawn; the preview is the moviegoer's seat map. With a pointer (mouse and
// touch), a change that would lose a sold seat is refused and the page names the seat.

async function createVenue(server: TestServer, token: string, name: string): Promise<VenueDetail> {
  const res = await server.request<VenueDetail>('POST', '/api/venues', { token, body: { name, place: 'Layoutville', capacity: 10, seatsPerRow: 5 } })
  if (res.status !== 201) throw new Error(`POST /api/venues: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body
}

async function storedLayout(server: TestServer, token: string, id: number): Promise<HallLayout> {
  const res = await server.request<VenueDetail>('GET', `/api/venues/${id}`, { token })
  expect(res.status).toBe(200)
  return res.body.layout
}

/** The accessible name (or text) of what has the focus. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent?.trim() ?? '')
}

function hasFocus(locator: Locator): Promise<boolean> {
  return locator.evaluate(el => el === document.activeElement)
}

/** Presses Tab (or Shift+Tab) until the locator has the focus, as a keyboard user would; fails after 60 presses. */
async function tabTo(page: Page, locator: Locator, backwards = false): Promise<void> {
  for (let i = 0; i < 60; i++) {
    if (await hasFocus(locator)) return
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab')
  }
  throw new Error(`Tab never reached ${locator}`)
}

async function press(page: Page, ...keys: string[]): Promise<void> {
  for (const key of keys) await page.keyboard.press(key)
}

/** The editor's polite status line. */
function status(page: Page): Locator {
  return page.getByTestId('layout-status')
}

function grid(page: Page): Locator {
  return page.getByRole('grid', { name: /^Hall layout/ })
}

/** The grid's one tab stop. */
function tabStop(page: Page): Locator {
  return grid(page).locator('button[tabindex="0"]')
}

function toast(page: Page, title: string): Locator {
  return page.getByRole('region', { name: /Notifications/ }).getByText(title, { exact: true })
}

/** A seat of the preview (the read-only seat map) by its label. */
function previewSeat(page: Page, label: string): Locator {
  return page.getByTestId('layout-preview').locator(`[title="${label}, free"]`)
}

const seat = (n: number, category: string, access?: 'wheelchair') => access ? { seat: n, category, access } : { seat: n, category }
const gap = { gap: true as const }

describe('the hall layout editor', () => {
  it('draws a hall by keyboard alone: rows × seats, a category, aisles, a wheelchair space, undo, save', async ({ server, adminToken, newPage }) => {
    const venue = await createVenue(server, adminToken, uniqueName('Keyboard Hall '))
    const page = await newPage()
    await logInThroughForm(page, ADMIN.username, ADMIN.password)

    // From the venues list, the row's Hall link opens the editor.
    await open(page, '/admin/venues')
    const link = await visible(page.getByRole('link', { name: `Edit the hall of ${venue.name}` }))
    await tabTo(page, link)
    await press(page, 'Enter')
    await page.waitForURL(`**/admin/venues/${venue.id}/layout`)
    await settled(page)
    await visible(page.getByRole('heading', { name: `Hall of ${venue.name}`, level: 1 }))
    await visible(page.getByText('All changes saved'))
    expect(await axeViolations(page), 'the editor as it opens').toEqual([])

    // Rows × seats: 3 rows of 6.
    const rows = page.getByLabel('Rows', { exact: true })
    await tabTo(page, rows)
    await press(page, 'ControlOrMeta+A')
    await page.keyboard.type('3')
    const seats = page.getByLabel('Seats per row', { exact: true })
    await tabTo(page, seats)
    await press(page, 'ControlOrMeta+A')
    await page.keyboard.type('6')
    await tabTo(page, page.getByRole('button', { name: 'Generate layout' }))
    await press(page, 'Enter')
    await expect.poll(() => status(page).textContent()).toContain('Generating 3 rows of 6 seats: done.')
    await expect.poll(() => grid(page).getByRole('button', { name: /^Row [ABC], seat \d, Standard$/ }).count()).toBe(18)
    await visible(page.getByText('Unsaved changes'))

    // A category, Prime: adding it makes it the paint.
    await tabTo(page, page.getByLabel('New category', { exact: true }))
    await page.keyboard.type('Prime')
    await press(page, 'Enter')
    await expect.poll(() => status(page).textContent()).toContain('Adding the category Prime: done.')
    await visible(page.getByRole('textbox', { name: 'Name of the category Prime' }))
    expect(await page.getByRole('button', { name: 'Paint with Prime' }).getAttribute('aria-pressed')).toBe('true')
    expect(await page.getByRole('button', { name: 'Paint: Prime' }).getAttribute('aria-pressed')).toBe('true')

    // Standard still has every seat, so it cannot go.
    await tabTo(page, page.getByRole('button', { name: 'Remove the category Standard' }), true)
    await press(page, 'Enter')
    await visible(page.getByText('18 seats are Standard: paint them another category first').first())
    expect(await page.getByRole('textbox', { name: 'Name of the category Standard' }).count()).toBe(1)

    // Row C, Prime, seat by seat. The grid is one tab stop.
    expect(await tabStop(page).count()).toBe(1)
    await tabTo(page, tabStop(page))
    expect(await focused(page)).toBe('Row A, seat 1, Standard')
    await press(page, 'ArrowDown', 'ArrowDown')
    expect(await focused(page)).toBe('Row C, seat 1, Standard')
    for (let n = 1; n <= 6; n++) {
      await press(page, 'Space')
      await expect.poll(() => focused(page)).toBe(`Row C, seat ${n}, Prime`)
      if (n < 6) await press(page, 'ArrowRight')
    }

    // An aisle after seat 3 of every row; the focus stays on the seat.
    await tabTo(page, page.getByRole('button', { name: 'Insert aisle after' }), true)
    await press(page, 'Enter')
    expect(await page.getByRole('button', { name: 'Insert aisle after' }).getAttribute('aria-pressed')).toBe('true')
    await tabTo(page, tabStop(page))
    expect(await focused(page)).toBe('Row C, seat 6, Prime')
    await press(page, 'Home', 'ArrowRight', 'ArrowRight')
    for (const row of ['C', 'B', 'A']) {
      expect(await focused(page)).toBe(`Row ${row}, seat 3, ${row === 'C' ? 'Prime' : 'Standard'}`)
      await press(page, 'Enter')
      await visible(grid(page).getByRole('button', { name: `Row ${row}, aisle after seat 3` }))
      expect(await focused(page)).toBe(`Row ${row}, seat 3, ${row === 'C' ? 'Prime' : 'Standard'}`)
      await press(page, 'ArrowUp')
    }
    // Right steps onto the aisle, then past it to seat 4.
    await press(page, 'ArrowRight')
    expect(await focused(page)).toBe('Row A, aisle after seat 3')
    await press(page, 'ArrowRight')
    expect(await focused(page)).toBe('Row A, seat 4, Standard')

    // A1 a wheelchair space; then A2 by mistake, which Ctrl+Z takes back.
    await tabTo(page, page.getByRole('button', { name: 'Wheelchair space' }), true)
    await press(page, 'Space')
    await tabTo(page, tabStop(page))
    await press(page, 'Home', 'Enter')
    await expect.poll(() => focused(page)).toBe('Row A, seat 1, Standard, wheelchair space')
    await press(page, 'ArrowRight', 'Enter')
    await expect.poll(() => focused(page)).toBe('Row A, seat 2, Standard, wheelchair space')
    await press(page, 'ControlOrMeta+Z')
    await expect.poll(() => focused(page)).toBe('Row A, seat 2, Standard')
    await expect.poll(() => status(page).textContent()).toContain('Undone: marking A2 a wheelchair space.')
    expect(await grid(page).getByRole('button', { name: 'Row A, seat 1, Standard, wheelchair space' }).count()).toBe(1)

    // Save.
    await tabTo(page, page.getByRole('button', { name: 'Save layout' }), true)
    await press(page, 'Enter')
    await visible(toast(page, `The hall of ${venue.name} is saved`))
    await visible(page.getByText('All changes saved'))

    const plain = (row: string, category: string, first?: 'wheelchair') => ({
      label: row,
      places: [seat(1, category, first), seat(2, category), seat(3, category), gap, seat(4, category), seat(5, category), seat(6, category)],
    })
    expect(await storedLayout(server, adminToken, venue.id)).toEqual({
      categories: [{ id: 'standard', name: 'Standard' }, { id: 'prime', name: 'Prime' }],
      rows: [plain('A', 'standard', 'wheelchair'), plain('B', 'standard'), plain('C', 'prime')],
    })

    // The preview is the moviegoer's map: the aisle is a gap, the categories are named.
    const legend = await visible(page.getByTestId('layout-preview').getByRole('list', { name: 'Seat categories' }))
    expect(await legend.innerText()).toMatch(/Standard[\s\S]*\(12 left\)[\s\S]*Prime[\s\S]*\(6 left\)/)
    expect(await legend.innerText()).not.toMatch(/₹/)
    const column = (label: string) => previewSeat(page, label).evaluate(el => getComputedStyle(el).gridColumnStart)
    expect(await column('A3')).toBe('3')
    expect(await column('A4')).toBe('5')
    expect(await column('C6')).toBe('7')
    expect(await previewSeat(page, 'C1').innerText()).toContain('Prime')
    expect(await previewSeat(page, 'A1').textContent()).toContain('Seat 1, Standard, wheelchair space, free')

    // Reopened, the page shows the stored hall.
    await page.reload()
    await settled(page)
    await visible(grid(page).getByRole('button', { name: 'Row C, aisle after seat 3' }))
    await visible(page.getByText('All changes saved'))
    expect(await axeViolations(page), 'the editor with a drawn hall').toEqual([])
  })

  it('applies tools by click and by tap, and names the sold seats a save would lose', async ({ server, adminToken, newPage }) => {
    const venue = await createVenue(server, adminToken, uniqueName('Pointer Hall '))
    const show = await server.request<{ id: number }>('POST', '/api/shows', { token: adminToken, body: { name: uniqueName('Layout Show '), ticketPrice: 10_000, durationMinutes: 90 } })
    const screening = await server.request<{ id: number }>('POST', '/api/screenings', { token: adminToken, body: { showId: show.body.id, venueId: venue.id, startsAt: new Date(Date.now() + 3 * 86_400_000).toISOString() } })
    expect(screening.status).toBe(201)
    const member = await createApprovedUser(server, adminToken, uniqueName('sitter'))
    expect((await server.request('POST', '/api/bookings', { token: member.token, body: { screeningId: screening.body.id, seats: ['B5'] } })).status).toBe(201)

    const page = await newPage({ hasTouch: true })
    await logInThroughForm(page, ADMIN.username, ADMIN.password)
    await open(page, `/admin/venues/${venue.id}/layout`)
    await visible(page.getByRole('heading', { name: `Hall of ${venue.name}`, level: 1 }))

    // A click with the wheelchair tool, a tap with the aisle tool.
    await page.getByRole('button', { name: 'Wheelchair space' }).click()
    await grid(page).getByRole('button', { name: 'Row B, seat 2, Standard' }).click()
    await visible(grid(page).getByRole('button', { name: 'Row B, seat 2, Standard, wheelchair space' }))
    await page.getByRole('button', { name: 'Insert aisle before' }).tap()
    await grid(page).getByRole('button', { name: 'Row A, seat 1, Standard' }).tap()
    await visible(grid(page).getByRole('button', { name: 'Row A, aisle before seat 1' }))
    // The undo button takes the aisle back.
    await page.getByRole('button', { name: 'Undo' }).click()
    await expect.poll(() => grid(page).getByRole('button', { name: /aisle/ }).count()).toBe(0)

    // Two rows of four lose B5, which is sold: the save is refused and says which seat.
    await page.getByLabel('Seats per row', { exact: true }).fill('4')
    await page.getByLabel('Seats per row', { exact: true }).press('Tab')
    await page.getByRole('button', { name: 'Generate layout' }).click()
    await expect.poll(() => grid(page).getByRole('button', { name: /^Row [AB], seat \d/ }).count()).toBe(8)
    await page.getByRole('button', { name: 'Save layout' }).click()
    const problem = await visible(page.getByTestId('layout-problem'))
    expect(await problem.innerText()).toContain('Seats already sold would disappear')
    expect(await problem.innerText()).toContain('This seat is sold for upcoming screenings: B5.')
    await visible(page.getByText('Unsaved changes'))
    // Nothing changed on the server; undo brings back the hall with B5, which saves.
    expect((await storedLayout(server, adminToken, venue.id)).rows[1]!.places).toHaveLength(5)
    await page.getByRole('button', { name: 'Undo' }).click()
    await expect.poll(() => grid(page).getByRole('button', { name: /^Row B, seat 5/ }).count()).toBe(1)
    await page.getByRole('button', { name: 'Save layout' }).click()
    await visible(toast(page, `The hall of ${venue.name} is saved`))
    await page.getByTestId('layout-problem').waitFor({ state: 'detached' })
    expect((await storedLayout(server, adminToken, venue.id)).rows[1]!.places[1]).toEqual({ seat: 2, category: 'standard', access: 'wheelchair' })
  })
})
