import type { Locator, Page } from 'playwright-core'
import type { Db } from '../../server/db'
import { openServerDb, sellSeats } from '../helpers/fixtures'
import { describe, expect, it, open, settled, test, visible } from '../helpers/browser-fixture'

// The moviegoer's flow in a real Chromium against the built server: a city chosen once in the
// header, remembered by the browser, followed by the home page and the show pages; a show's
// days as tabs, worked by the keyboard; each showtime's price range and how full it is. And
// since public pages come from a cache shared by everybody, the city never reaches the
// server's HTML: it is applied in the browser after hydration.

const TIMEZONE = 'Asia/Kolkata'
const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`
const pune = `Pune-${suffix}`
const agra = `Agra-${suffix}`
const names = { both: `Monsoon Letters ${suffix}`, agraOnly: `Taj Nights ${suffix}` }

/** YYYY-MM-DD `days` after today at the venue. */
function venueDay(days: number): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: TIMEZONE }).format(new Date())
  const d = new Date(`${today}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}
/** A calendar day as the tabs write it: "Thu 10 Dec". */
function short(day: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short' }).format(new Date(`${day}T12:00:00Z`)).replace(',', '')
}
const at = (day: string, time: string) => new Date(`${day}T${time}:00+05:30`).toISOString()
const [day1, day2, day3] = [venueDay(1), venueDay(2), venueDay(3)]
/** The tabs' names: tomorrow is "Tomorrow 9 Dec", later days "Thu 10 Dec". */
const tabName = { day1: `Tomorrow ${short(day1).split(' ').slice(1).join(' ')}`, day2: short(day2), day3: short(day3) }

let showIds: { both: number, agraOnly: number }
let db: Db | undefined

test.beforeAll(async ({ server, adminToken }) => {
  const call = async (method: string, path: string, body: object) => {
    const res = await server.request(method, path, { token: adminToken, body })
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`)
    return res.body as { id: number }
  }
  // Pune: a hall of 28 seats, rows A–B Classic and C–D Prime. Agra: a plain hall of 20.
  const puneHall = await call('POST', '/api/venues', { name: `Deccan Screens ${suffix}`, place: pune, capacity: 20, seatsPerRow: 10 })
  const row = (label: string, category: string) => ({ label, places: [1, 2, 3, 4, 5, 6, 7].map(seat => ({ seat, category })) })
  await call('PUT', `/api/venues/${puneHall.id}/layout`, {
    categories: [{ id: 'classic', name: 'Classic' }, { id: 'prime', name: 'Prime' }],
    rows: [row('A', 'classic'), row('B', 'classic'), row('C', 'prime'), row('D', 'prime')],
  })
  const agraHall = await call('POST', '/api/venues', { name: `Yamuna Talkies ${suffix}`, place: agra, capacity: 20, seatsPerRow: 10 })

  const both = await call('POST', '/api/shows', { name: names.both, ticketPrice: 20_000, durationMinutes: 90 })
  const agraOnly = await call('POST', '/api/shows', { name: names.agraOnly, ticketPrice: 15_000, durationMinutes: 90 })
  showIds = { both: both.id, agraOnly: agraOnly.id }
  const screening = (showId: number, venueId: number, startsAt: string, extra: object = {}) => call('POST', '/api/screenings', { showId, venueId, startsAt, ...extra })
  await screening(both.id, puneHall.id, at(day1, '18:30'), { prices: { prime: 42_000 } })
  const nearlyFull = await screening(both.id, puneHall.id, at(day2, '18:30'), { prices: { prime: 42_000 } })
  const soldOut = await screening(both.id, puneHall.id, at(day2, '21:30'))
  await screening(both.id, agraHall.id, at(day3, '18:30'))
  await screening(agraOnly.id, agraHall.id, at(day1, '18:30'))

  // 10 of 28 seats left (filling fast), and none (sold out), sold before any page is cached.
  db = openServerDb(server)
  const seats = ['A', 'B', 'C', 'D'].flatMap(r => [1, 2, 3, 4, 5, 6, 7].map(n => `${r}${n}`))
  for (let i = 0; i < 18; i += 9) await sellSeats(db, nearlyFull.id, seats.slice(i, i + 9))
  for (let i = 0; i < 28; i += 7) await sellSeats(db, soldOut.id, seats.slice(i, i + 7))
})
test.afterAll(() => db?.destroy())

/** The header's city picker. */
const headerCity = (page: Page) => page.getByRole('banner').getByRole('combobox', { name: 'Your city' })
/** The show cards of the home page's results. */
const cards = (page: Page) => page.getByRole('main').getByRole('article')

async function selectedTab(page: Page): Promise<Locator> {
  return visible(page.getByRole('tablist', { name: 'Days' }).getByRole('tab', { selected: true }))
}

describe('the moviegoer\'s flow', () => {
  it('a city picked in the header is remembered: home and show pages follow it; days are tabs; tiles show prices and how full', async ({ newPage }) => {
    const page = await newPage()
    await open(page, '/')
    await visible(page.getByRole('heading', { name: 'What\'s on', exact: true, level: 1 }))
    await visible(page.getByRole('heading', { name: '2 shows', exact: true }))
    expect(await headerCity(page).inputValue()).toBe('')

    // Picked in the header, on the home page: the list follows at once.
    await headerCity(page).selectOption(pune)
    await page.waitForURL(url => url.searchParams.get('city') === pune)
    await visible(page.getByRole('heading', { name: `What's on in ${pune}`, level: 1 }))
    await visible(page.getByRole('heading', { name: `1 show in ${pune}` }))
    expect(await cards(page).count()).toBe(1)
    await visible(cards(page).getByRole('link', { name: names.both }))
    // The home page's own city filter says the same.
    expect(await page.getByRole('main').getByRole('combobox', { name: 'City', exact: true }).inputValue()).toBe(pune)

    // Coming back to / with no city in the address, after a reload: still that city.
    await open(page, '/')
    await page.reload()
    await settled(page)
    await page.waitForURL(url => url.searchParams.get('city') === pune)
    await visible(page.getByRole('heading', { name: `1 show in ${pune}` }))
    expect(await headerCity(page).inputValue()).toBe(pune)

    // The show page: only the showtimes in Pune, on two days, the first day's selected.
    await cards(page).getByRole('link', { name: names.both }).click()
    await page.waitForURL(`**/shows/${showIds.both}`)
    await settled(page)
    const showtimes = page.getByRole('region', { name: 'Showtimes' })
    await visible(showtimes.getByText(`Showing showtimes in ${pune}`))
    const tabs = showtimes.getByRole('tablist', { name: 'Days' }).getByRole('tab')
    await expect.poll(async () => (await tabs.allInnerTexts()).map(t => t.replace(/\s+/g, ' '))).toEqual([tabName.day1, tabName.day2])
    expect(await (await selectedTab(page)).innerText()).toContain('Tomorrow')
    expect(await page.getByRole('tab', { name: tabName.day1 }).getAttribute('aria-selected')).toBe('true')

    // One day's showtimes at a time: tomorrow's tile, with its price range, available.
    const first = await visible(page.getByRole('tabpanel', { name: tabName.day1 }))
    expect(await page.getByRole('tabpanel').count()).toBe(1)
    const tile = await visible(first.getByRole('link', { name: /^18:30\b/ }))
    expect(await tile.innerText()).toMatch(/18:30[\s,]+₹200–₹420[\s,]+Available/)

    // By the keyboard: ArrowRight moves to the next day and shows its showtimes.
    await page.getByRole('tab', { name: tabName.day1 }).focus()
    await page.keyboard.press('ArrowRight')
    const second = page.getByRole('tab', { name: tabName.day2 })
    await expect.poll(() => second.getAttribute('aria-selected')).toBe('true')
    expect(await second.evaluate(el => el === document.activeElement)).toBe(true)
    const panel = await visible(page.getByRole('tabpanel', { name: tabName.day2 }))
    await first.waitFor({ state: 'hidden' })
    expect(await panel.getByRole('link', { name: /^18:30\b/ }).innerText()).toMatch(/18:30[\s,]+₹200–₹420[\s,]+Filling fast/)
    // Sold out says so and is not a link.
    await visible(panel.getByText('Sold out'))
    expect(await panel.getByRole('link', { name: /^21:30\b/ }).count()).toBe(0)
    // ArrowRight from the last day wraps to the first; Home and End jump.
    await page.keyboard.press('ArrowRight')
    await expect.poll(async () => (await selectedTab(page)).innerText()).toContain('Tomorrow')
    await page.keyboard.press('End')
    await expect.poll(() => second.getAttribute('aria-selected')).toBe('true')

    // "Show all cities" adds Agra's day; the page's choice, not the header's.
    await showtimes.getByRole('button', { name: 'Show all cities' }).click()
    await visible(showtimes.getByText('Showing showtimes in all cities'))
    await expect.poll(() => tabs.count()).toBe(3)
    await visible(page.getByRole('tab', { name: tabName.day3 }))
    expect(await headerCity(page).inputValue()).toBe(pune)
    await showtimes.getByRole('button', { name: `Only ${pune}` }).click()
    await expect.poll(() => tabs.count()).toBe(2)

    // Back to all cities in the header: every showtime, and the home page unfiltered.
    await headerCity(page).selectOption('')
    await expect.poll(() => tabs.count()).toBe(3)
    expect(await showtimes.getByText(/Showing showtimes in/).count()).toBe(0)
    await page.getByRole('banner').getByRole('link', { name: 'TicketShow home' }).click()
    await page.waitForURL(url => url.pathname === '/')
    await settled(page)
    await visible(page.getByRole('heading', { name: '2 shows', exact: true }))
    expect(new URL(page.url()).searchParams.has('city')).toBe(false)
    expect(await page.evaluate(() => localStorage.getItem('ticketshow:city'))).toBe('')
  })

  it('choosing a city in the home page\'s filter remembers it; a show with nothing there says so and offers the other cities', async ({ newPage }) => {
    const page = await newPage()
    await open(page, '/')
    await page.getByRole('main').getByRole('combobox', { name: 'City', exact: true }).selectOption(pune)
    await page.waitForURL(url => url.searchParams.get('city') === pune)
    await expect.poll(() => headerCity(page).inputValue()).toBe(pune)

    await open(page, `/shows/${showIds.agraOnly}`)
    const showtimes = page.getByRole('region', { name: 'Showtimes' })
    const none = await visible(showtimes.getByRole('status').filter({ hasText: `No showtimes in ${pune}` }))
    expect(await none.innerText()).toContain(`${names.agraOnly} is on in ${agra}`)
    expect(await showtimes.getByRole('tab').count()).toBe(0)
    await none.getByRole('button', { name: agra }).click()
    await visible(showtimes.getByText(`Showing showtimes in ${agra}`))
    await visible(page.getByRole('tabpanel', { name: tabName.day1 }).getByRole('link', { name: /^18:30\b.*₹150\b.*Available/ }))
    // The header's city is still the one chosen.
    expect(await headerCity(page).inputValue()).toBe(pune)
  })

  it('the server\'s HTML never carries the city: it is the same page whatever the browser remembers', async ({ newPage, server }) => {
    const paths = ['/', `/shows/${showIds.both}`]
    /** The HTML as a client without JavaScript gets it (nonces differ per render). */
    const plain = async (path: string) => (await (await fetch(server.url + path, { headers: { accept: 'text/html' } })).text()).replace(/nonce="[^"]+"/g, '')
    const noCity = (html: string, path: string) => {
      expect(html, path).not.toContain('What&#39;s on in')
      expect(html, path).not.toMatch(/What's on in/)
      expect(html, path).not.toContain('Showing showtimes in')
      expect(html, path).not.toMatch(/<option[^>]*selected[^>]*>\s*(?:Pune|Agra)-/)
    }
    for (const path of paths) noCity(await plain(path), path)

    const page = await newPage()
    await open(page, '/')
    await headerCity(page).selectOption(pune)
    await page.waitForURL(url => url.searchParams.get('city') === pune)
    for (const path of paths) {
      const before = await plain(path)
      const res = await page.goto(path)
      const served = (await res!.text()).replace(/nonce="[^"]+"/g, '')
      const after = await plain(path)
      noCity(served, path)
      // The very page anybody gets (a render a moment later may be the one in the cache).
      expect([before, after], path).toContain(served)
      await settled(page)
      // And yet the browser applies the city once hydrated.
      expect(await headerCity(page).inputValue(), path).toBe(pune)
    }
    await visible(page.getByRole('region', { name: 'Showtimes' }).getByText(`Showing showtimes in ${pune}`))
  })
})
