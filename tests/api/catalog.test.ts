import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../server/db'
import { useTestServer } from '../helpers/server'
import type { Reply, TestServer } from '../helpers/server'
import { openServerDb, sellSeats, unique } from '../helpers/fixtures'

// The catalogue over real HTTP on the built server: venues, shows, screenings, search and
// filters, with every success shape of DESIGN.md and every failure the contract names.

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/)
/** Two days from now on the hour: every screening in this file starts after it. */
const BASE = Math.ceil((Date.now() + 2 * DAY) / HOUR) * HOUR
const when = (ms: number) => new Date(BASE + ms).toISOString()

interface Venue { id: number, name: string, place: string, capacity: number, seatsPerRow: number, timezone: string, createdAt: string }
interface Show { id: number, name: string, description: string, rating: number | null, tags: string[], ticketPrice: number, durationMinutes: number, posterUrl: string | null, createdAt: string }
interface Screening {
  id: number
  startsAt: string
  price: number
  capacity: number
  seatsLeft: number
  show: { id: number, name: string, posterUrl: string | null }
  venue: { id: number, name: string, place: string, timezone: string }
}
interface Page<T> { items: T[], total: number, page: number, pageSize: number }

let server: TestServer
let adminToken: string
let userToken: string
let db: Db

useTestServer((ready) => {
  ({ server, adminToken, member: { token: userToken } } = ready)
  db = openServerDb(server)
})
afterAll(() => db?.destroy())

const get = <T = any>(path: string, token?: string) => server.request<T>('GET', path, { token }) // eslint-disable-line @typescript-eslint/no-explicit-any
const asAdmin = <T = any>(method: string, path: string, body?: unknown) => server.request<T>(method, path, { token: adminToken, body }) // eslint-disable-line @typescript-eslint/no-explicit-any

function expectCreated<T>(res: Reply<T>, status = 201): T {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`)
  return res.body
}

async function newVenue(over: Record<string, unknown> = {}): Promise<Venue> {
  return expectCreated(await asAdmin<Venue>('POST', '/api/venues', { name: `Hall ${unique()}`, place: 'Pune', capacity: 100, seatsPerRow: 10, ...over }))
}

async function newShow(over: Record<string, unknown> = {}): Promise<Show> {
  return expectCreated(await asAdmin<Show>('POST', '/api/shows', { name: `Show ${unique()}`, ticketPrice: 25_000, durationMinutes: 100, ...over }))
}

async function newScreening(showId: number, venueId: number, startsAt: string, price?: number): Promise<Screening> {
  return expectCreated(await asAdmin<Screening>('POST', '/api/screenings', { showId, venueId, startsAt, ...(price !== undefined && { price }) }))
}

/** A show with one screening at a venue of its own. */
async function scheduled(show: Record<string, unknown> = {}, venue: Record<string, unknown> = {}, startsAt = when(0)) {
  const s = await newShow(show)
  const v = await newVenue(venue)
  return { show: s, venue: v, screening: await newScreening(s.id, v.id, startsAt) }
}

/** Moves a screening into the past behind the API's back (the API refuses past times). */
async function moveToPast(screeningId: number) {
  const startsAt = new Date(Date.now() - 3 * DAY).toISOString()
  await db.updateTable('screenings').set({ starts_at: startsAt, ends_at: new Date(Date.now() - 3 * DAY + 2 * HOUR).toISOString() }).where('id', '=', screeningId).execute()
}

function expectInvalid(res: Reply, field?: string) {
  expect(res.status).toBe(400)
  expect(res.body).toMatchObject({ statusCode: 400, message: expect.any(String) })
  // The issue names the field (its path may go on into it, e.g. ['tags', '1']).
  const issues = res.body.data.issues as { path: string[], message: string }[]
  expect(issues.length).toBeGreaterThan(0)
  for (const issue of issues) expect(issue.message).toEqual(expect.any(String))
  expect(issues.map(i => field === undefined ? i.path : i.path.slice(0, 1))).toContainEqual(field === undefined ? [] : [field])
}

/** A venue as a list shows it: without its hall's layout, which only one venue's answer holds. */
const listed = ({ layout: _, ...venue }: Venue & { layout?: unknown }) => venue

const venueShape = (v: Partial<Venue> = {}) => expect.objectContaining({
  id: expect.any(Number), name: expect.any(String), place: expect.any(String), capacity: expect.any(Number),
  seatsPerRow: expect.any(Number), timezone: expect.any(String), createdAt: ISO, ...v,
})

function expectShow(s: Show, values: Partial<Show> = {}) {
  expect(s).toEqual(expect.objectContaining({
    id: expect.any(Number), name: expect.any(String), description: expect.any(String), tags: expect.any(Array),
    ticketPrice: expect.any(Number), durationMinutes: expect.any(Number), createdAt: ISO, ...values,
  }))
  expect(s.rating === null || typeof s.rating === 'number').toBe(true)
  expect(s.posterUrl === null || /^\/posters\//.test(s.posterUrl)).toBe(true)
  for (const tag of s.tags) expect(tag).toBe(tag.trim().toLowerCase())
}

function expectScreening(s: Screening) {
  expect(s).toEqual(expect.objectContaining({
    id: expect.any(Number), startsAt: ISO, price: expect.any(Number), capacity: expect.any(Number), seatsLeft: expect.any(Number),
    show: expect.objectContaining({ id: expect.any(Number), name: expect.any(String) }),
    venue: expect.objectContaining({ id: expect.any(Number), name: expect.any(String), place: expect.any(String), timezone: expect.any(String) }),
  }))
  expect('posterUrl' in s.show).toBe(true)
}

function expectPage(body: Page<unknown>, page = 1, pageSize = 20) {
  expect(body).toEqual({ items: expect.any(Array), total: expect.any(Number), page, pageSize })
  expect(body.items.length).toBeLessThanOrEqual(pageSize)
  expect(body.total).toBeGreaterThanOrEqual(body.items.length)
}

describe('venues', () => {
  it('POST /api/venues answers 201 with the venue; GET /api/venues/{id} answers the same', async () => {
    const name = `Grand ${unique()}`
    const res = await asAdmin('POST', '/api/venues', { name: `  ${name} `, place: ' Pune ', capacity: 95, seatsPerRow: 10, timezone: 'Europe/Paris' })
    expect(res.status).toBe(201)
    expect(res.body).toEqual(venueShape({ name, place: 'Pune', capacity: 95, seatsPerRow: 10, timezone: 'Europe/Paris' }))
    const one = await get(`/api/venues/${res.body.id}`)
    expect(one.status).toBe(200)
    expect(one.body).toEqual(res.body)
  })

  it('defaults the timezone to NUXT_DEFAULT_TIMEZONE (Asia/Kolkata) and picks a row length', async () => {
    const venue = await newVenue({ capacity: 95, seatsPerRow: undefined })
    expect(venue).toEqual(venueShape({ capacity: 95, seatsPerRow: 20, timezone: 'Asia/Kolkata' }))
  })

  it.each([
    ['capacity as a string', { capacity: '100' }, 'capacity'],
    ['capacity 0', { capacity: 0 }, 'capacity'],
    ['a fractional capacity', { capacity: 2.5 }, 'capacity'],
    ['capacity over 5000', { capacity: 5001 }, 'capacity'],
    ['no capacity', { capacity: undefined }, 'capacity'],
    ['seatsPerRow as a string', { seatsPerRow: '10' }, 'seatsPerRow'],
    ['seatsPerRow 0', { seatsPerRow: 0 }, 'seatsPerRow'],
    ['a row longer than the venue', { capacity: 10, seatsPerRow: 11 }, 'seatsPerRow'],
    ['an unknown timezone', { timezone: 'Mars/Olympus_Mons' }, 'timezone'],
    ['a timezone that is not a string', { timezone: 5 }, 'timezone'],
    ['an empty name', { name: '' }, 'name'],
    ['a blank name', { name: '   ' }, 'name'],
    ['a name of 121 characters', { name: 'x'.repeat(121) }, 'name'],
    ['no place', { place: undefined }, 'place'],
  ])('POST /api/venues answers 400 with data.issues for %s, and creates nothing', async (_, change, field) => {
    const count = async () => (await get<Page<Venue>>('/api/venues')).body.total
    const before = await count()
    const res = await asAdmin('POST', '/api/venues', { name: 'Hall', place: 'Pune', capacity: 100, seatsPerRow: 10, ...change })
    expectInvalid(res, field)
    expect(await count()).toBe(before)
  })

  it('POST /api/venues answers 400 for a body that is not JSON', async () => {
    const res = await server.request('POST', '/api/venues', { token: adminToken, body: 'name=Hall&place=Pune&capacity=100', headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    expect(res.status).toBe(400)
  })

  it('GET /api/venues pages and finds by name or place, and filters by city ignoring case', async () => {
    const t = unique()
    const a = await newVenue({ name: `Odeon ${t}`, place: 'Mumbai' })
    const b = await newVenue({ name: 'Roxy', place: `Pune${t}` })
    const all = await get<Page<Venue>>('/api/venues')
    expect(all.status).toBe(200)
    expectPage(all.body)
    for (const v of all.body.items) expect(v).toEqual(venueShape())
    const byText = await get<Page<Venue>>(`/api/venues?q=${t.toUpperCase()}`)
    expect(byText.body.total).toBe(2)
    expect(byText.body.items.map(v => v.id).sort()).toEqual([a.id, b.id].sort())
    expect((await get<Page<Venue>>(`/api/venues?city=PUNE${t.toUpperCase()}`)).body).toEqual({ items: [listed(b)], total: 1, page: 1, pageSize: 20 })
    expect((await get<Page<Venue>>(`/api/venues?q=${t}&pageSize=1&page=2`)).body).toMatchObject({ total: 2, page: 2, pageSize: 1, items: [expect.anything()] })
  })

  it.each(['pageSize=101', 'pageSize=0', 'page=0', 'page=abc', `q=${'x'.repeat(101)}`])('GET /api/venues?%s answers 400', async (query) => {
    expectInvalid(await get(`/api/venues?${query}`), query.split('=')[0])
  })

  it('GET /api/venues/{id} answers 404 for an unknown id or one no venue can have, and 400 for a non-numeric one', async () => {
    expect((await get('/api/venues/987654321')).status).toBe(404)
    expect((await get('/api/venues/abc')).status).toBe(400)
    expect((await get('/api/venues/0')).status).toBe(404)
    expect((await get('/api/venues/2147483647')).status).toBe(404)
    expect((await get('/api/venues/2147483648')).status).toBe(404)
  })

  it('PATCH /api/venues/{id} changes the given fields and answers 200 with the venue', async () => {
    const venue = await newVenue()
    const res = await asAdmin('PATCH', `/api/venues/${venue.id}`, { name: 'Renamed Hall', timezone: 'Europe/London', capacity: 120 })
    expect(res.status).toBe(200)
    expect(res.body).toEqual(venueShape({ ...listed(venue), name: 'Renamed Hall', timezone: 'Europe/London', capacity: 120 }))
    expect((await get(`/api/venues/${venue.id}`)).body).toEqual(res.body)
  })

  it.each([
    ['an empty change', {}, undefined],
    ['capacity as a string', { capacity: '100' }, 'capacity'],
    ['an unknown timezone', { timezone: 'Europe/Atlantis' }, 'timezone'],
    ['an empty name', { name: '' }, 'name'],
    ['a row longer than the venue', { seatsPerRow: 101 }, 'seatsPerRow'],
  ])('PATCH /api/venues/{id} answers 400 for %s and changes nothing', async (_, patch, field) => {
    const venue = await newVenue()
    expectInvalid(await asAdmin('PATCH', `/api/venues/${venue.id}`, patch), field)
    expect((await get(`/api/venues/${venue.id}`)).body).toEqual(venue)
  })

  it('PATCH /api/venues/{id} answers 404 for an unknown venue', async () => {
    expect((await asAdmin('PATCH', '/api/venues/987654321', { name: 'x' })).status).toBe(404)
  })

  it('PATCH /api/venues/{id} answers 409 when it would drop a seat sold for an upcoming screening, and changes nothing', async () => {
    const { venue, screening } = await scheduled({}, { capacity: 100, seatsPerRow: 10 })
    await sellSeats(db, screening.id, ['J10'])
    for (const patch of [{ capacity: 99 }, { seatsPerRow: 9 }, { seatsPerRow: 20 }]) {
      const res = await asAdmin('PATCH', `/api/venues/${venue.id}`, patch)
      expect(res.status).toBe(409)
      expect(res.body).toMatchObject({ statusCode: 409, message: expect.stringContaining('J10') })
    }
    expect((await get(`/api/venues/${venue.id}`)).body).toEqual(venue)
    // Growing is fine, and the upcoming screening follows.
    expect((await asAdmin('PATCH', `/api/venues/${venue.id}`, { capacity: 150 })).status).toBe(200)
    expect((await get(`/api/screenings/${screening.id}`)).body).toMatchObject({ capacity: 150, seatsLeft: 149 })
  })

  it('PATCH /api/venues/{id} may drop a seat sold for a past screening', async () => {
    const { venue, screening } = await scheduled({}, { capacity: 100, seatsPerRow: 10 })
    await sellSeats(db, screening.id, ['J10'])
    await moveToPast(screening.id)
    const res = await asAdmin('PATCH', `/api/venues/${venue.id}`, { capacity: 50 })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ capacity: 50 })
  })

  it('DELETE /api/venues/{id} answers 204, deletes its screenings, then 404', async () => {
    const { venue, screening } = await scheduled()
    const res = await asAdmin('DELETE', `/api/venues/${venue.id}`)
    expect(res.status).toBe(204)
    expect(res.body).toBe('')
    expect((await get(`/api/venues/${venue.id}`)).status).toBe(404)
    expect((await get(`/api/screenings/${screening.id}`)).status).toBe(404)
    expect((await asAdmin('DELETE', `/api/venues/${venue.id}`)).status).toBe(404)
  })

  it('DELETE /api/venues/{id} answers 409 while a confirmed booking exists, upcoming or past', async () => {
    const upcoming = await scheduled()
    await sellSeats(db, upcoming.screening.id, ['A1'])
    const past = await scheduled()
    await sellSeats(db, past.screening.id, ['A1'])
    await moveToPast(past.screening.id)
    for (const { venue } of [upcoming, past]) {
      const res = await asAdmin('DELETE', `/api/venues/${venue.id}`)
      expect(res.status).toBe(409)
      expect(res.body).toMatchObject({ statusCode: 409, message: expect.any(String) })
      expect((await get(`/api/venues/${venue.id}`)).status).toBe(200)
    }
    expect((await get(`/api/screenings/${upcoming.screening.id}`)).status).toBe(200)
  })
})

describe('shows', () => {
  it('POST /api/shows answers 201 with the show, tags normalised, and the defaults filled in', async () => {
    const name = `Film ${unique()}`
    const res = await asAdmin<Show>('POST', '/api/shows', { name: ` ${name} `, tags: [' Drama', 'DRAMA ', 'Comedy'], ticketPrice: 35_000 })
    expect(res.status).toBe(201)
    expectShow(res.body, { name, description: '', rating: null, tags: ['comedy', 'drama'], ticketPrice: 35_000, durationMinutes: 120, posterUrl: null })
  })

  it('POST /api/shows keeps every field given', async () => {
    const body = { name: `Full ${unique()}`, description: 'A long evening.', rating: 8.7, tags: ['live'], ticketPrice: 0, durationMinutes: 45 }
    const res = await asAdmin<Show>('POST', '/api/shows', body)
    expect(res.status).toBe(201)
    expectShow(res.body, { ...body, posterUrl: null })
  })

  it.each([0, 10, 7.3, null])('POST /api/shows accepts the rating %s', async (rating) => {
    const res = await asAdmin('POST', '/api/shows', { name: `Rated ${unique()}`, ticketPrice: 100, rating })
    expect(res.status).toBe(201)
    expect(res.body.rating).toBe(rating)
  })

  it.each([
    ['ticketPrice as a string', { ticketPrice: '100' }, 'ticketPrice'],
    ['a negative ticketPrice', { ticketPrice: -1 }, 'ticketPrice'],
    ['a fractional ticketPrice', { ticketPrice: 99.5 }, 'ticketPrice'],
    ['no ticketPrice', { ticketPrice: undefined }, 'ticketPrice'],
    ['rating 10.5', { rating: 10.5 }, 'rating'],
    ['rating 7.25 (two decimals)', { rating: 7.25 }, 'rating'],
    ['a negative rating', { rating: -0.5 }, 'rating'],
    ['rating as a string', { rating: '7' }, 'rating'],
    ['an empty name', { name: '' }, 'name'],
    ['a blank name', { name: '  ' }, 'name'],
    ['tags that are not a list', { tags: 'drama' }, 'tags'],
    ['an empty tag', { tags: ['drama', ' '] }, 'tags'],
    ['a tag that is a number', { tags: [7] }, 'tags'],
    ['durationMinutes 0', { durationMinutes: 0 }, 'durationMinutes'],
    ['durationMinutes as a string', { durationMinutes: '90' }, 'durationMinutes'],
    ['a description of 5001 characters', { description: 'x'.repeat(5001) }, 'description'],
  ])('POST /api/shows answers 400 with data.issues for %s, and creates nothing', async (_, change, field) => {
    const name = `Invalid ${unique()}`
    const res = await asAdmin('POST', '/api/shows', { name, ticketPrice: 100, ...change })
    expectInvalid(res, field)
    const all = await asAdmin<Page<Show>>('GET', `/api/shows?all=true&q=${encodeURIComponent(name)}`)
    expect(all.body.total).toBe(0)
  })

  it('GET /api/shows/{id} answers the show with its upcoming screenings and seats left', async () => {
    const { show, venue, screening } = await scheduled({ tags: ['drama'] }, { capacity: 30, seatsPerRow: 10, timezone: 'Asia/Kolkata' })
    const later = await newScreening(show.id, venue.id, when(DAY), 999)
    await sellSeats(db, later.id, ['A1', 'A2'])
    const res = await get(`/api/shows/${show.id}`)
    expect(res.status).toBe(200)
    expectShow(res.body, { ...show })
    expect(res.body.screenings).toEqual([
      expect.objectContaining({ id: screening.id, startsAt: screening.startsAt, price: show.ticketPrice, seatsLeft: 30, venue: expect.objectContaining({ id: venue.id, name: venue.name, place: venue.place, timezone: 'Asia/Kolkata' }) }),
      expect.objectContaining({ id: later.id, startsAt: later.startsAt, price: 999, seatsLeft: 28, venue: expect.objectContaining({ id: venue.id }) }),
    ])
  })

  it('GET /api/shows/{id} answers an unscheduled show with no screenings, 404 for an unknown id and 400 for a non-numeric one', async () => {
    const show = await newShow()
    expect((await get(`/api/shows/${show.id}`)).body).toMatchObject({ id: show.id, screenings: [] })
    expect((await get('/api/shows/987654321')).status).toBe(404)
    expect((await get('/api/shows/abc')).status).toBe(400)
  })

  it('PATCH /api/shows/{id} changes the given fields and keeps the rest, tags included', async () => {
    const show = await newShow({ tags: ['drama', 'comedy'], rating: 7.5, description: 'Old' })
    const res = await asAdmin<Show>('PATCH', `/api/shows/${show.id}`, { name: 'Renamed Film' })
    expect(res.status).toBe(200)
    expectShow(res.body, { ...show, name: 'Renamed Film', tags: ['comedy', 'drama'] })
    const cleared = await asAdmin<Show>('PATCH', `/api/shows/${show.id}`, { rating: null, tags: ['Thriller '] })
    expect(cleared.body).toMatchObject({ name: 'Renamed Film', rating: null, tags: ['thriller'], description: 'Old' })
    expect((await get(`/api/shows/${show.id}`)).body).toMatchObject({ name: 'Renamed Film', rating: null, tags: ['thriller'] })
  })

  it.each([
    ['an empty change', {}, undefined],
    ['rating 10.5', { rating: 10.5 }, 'rating'],
    ['rating 7.25', { rating: 7.25 }, 'rating'],
    ['ticketPrice as a string', { ticketPrice: '5' }, 'ticketPrice'],
    ['a negative ticketPrice', { ticketPrice: -100 }, 'ticketPrice'],
    ['an empty name', { name: '' }, 'name'],
  ])('PATCH /api/shows/{id} answers 400 for %s and changes nothing', async (_, patch, field) => {
    const show = await newShow({ tags: ['drama'] })
    expectInvalid(await asAdmin('PATCH', `/api/shows/${show.id}`, patch), field)
    expect((await get(`/api/shows/${show.id}`)).body).toMatchObject({ ...show })
  })

  it('PATCH /api/shows/{id} answers 409 when a longer duration would run into the next screening at a venue', async () => {
    const { show, venue, screening } = await scheduled({ durationMinutes: 100 })
    await newScreening((await newShow()).id, venue.id, when(115 * MINUTE))
    const res = await asAdmin('PATCH', `/api/shows/${show.id}`, { durationMinutes: 101 })
    expect(res.status).toBe(409)
    expect(res.body).toMatchObject({ statusCode: 409, message: expect.any(String) })
    expect((await get(`/api/shows/${show.id}`)).body.durationMinutes).toBe(100)
    const shorter = await asAdmin('PATCH', `/api/shows/${show.id}`, { durationMinutes: 90 })
    expect(shorter.status).toBe(200)
    expect((await get(`/api/screenings/${screening.id}`)).body.endsAt).toBe(when(90 * MINUTE))
  })

  it('PATCH /api/shows/{id} answers 404 for an unknown show', async () => {
    expect((await asAdmin('PATCH', '/api/shows/987654321', { name: 'x' })).status).toBe(404)
  })

  it('DELETE /api/shows/{id} answers 204 and deletes its screenings, then 404', async () => {
    const { show, screening } = await scheduled()
    const res = await asAdmin('DELETE', `/api/shows/${show.id}`)
    expect(res.status).toBe(204)
    expect(res.body).toBe('')
    expect((await get(`/api/shows/${show.id}`)).status).toBe(404)
    expect((await get(`/api/screenings/${screening.id}`)).status).toBe(404)
    expect((await asAdmin('DELETE', `/api/shows/${show.id}`)).status).toBe(404)
  })

  it('DELETE /api/shows/{id} answers 409 while a confirmed booking exists, upcoming or past', async () => {
    const upcoming = await scheduled()
    await sellSeats(db, upcoming.screening.id, ['B2'])
    const past = await scheduled()
    await sellSeats(db, past.screening.id, ['B2'])
    await moveToPast(past.screening.id)
    for (const { show } of [upcoming, past]) {
      const res = await asAdmin('DELETE', `/api/shows/${show.id}`)
      expect(res.status).toBe(409)
      expect(res.body).toMatchObject({ statusCode: 409, message: expect.any(String) })
      expect((await get(`/api/shows/${show.id}`)).status).toBe(200)
    }
  })
})

describe('GET /api/shows', () => {
  it('answers a page of shows with upcoming screenings, 20 a page by default', async () => {
    await scheduled()
    const res = await get<Page<Show & { nextScreening: unknown }>>('/api/shows')
    expect(res.status).toBe(200)
    expectPage(res.body)
    for (const show of res.body.items) {
      expectShow(show)
      expect(show.nextScreening).toEqual(expect.objectContaining({ id: expect.any(Number), startsAt: ISO }))
    }
    expectPage((await get('/api/shows?pageSize=100')).body, 1, 100)
  })

  it('filters by text (name or description, any case), tag, city and minimum rating', async () => {
    const t = unique()
    const city = `Lonavala${t}`
    const a = await scheduled({ name: `The ${t.toUpperCase()} Affair`, tags: ['Noir'], rating: 8.1 }, { place: city })
    const b = await scheduled({ name: `Quiet ${unique()}`, description: `about ${t}`, tags: ['drama'], rating: 6.5 })
    const c = await scheduled({ name: `${t} 100% Live`, rating: null }, { place: city.toLowerCase() })
    const ids = async (query: string) => (await get<Page<Show>>(`/api/shows?${query}`)).body.items.map(s => s.id).sort((x, y) => x - y)

    expect(await ids(`q=${t}`)).toEqual([a.show.id, b.show.id, c.show.id])
    expect(await ids(`q=${encodeURIComponent(`${t} 100%`)}`)).toEqual([c.show.id])
    expect(await ids(`q=${encodeURIComponent(`${t} 100_`)}`)).toEqual([])
    expect(await ids(`q=${t}&tag=NOIR`)).toEqual([a.show.id])
    expect(await ids(`city=${city.toUpperCase()}`)).toEqual([a.show.id, c.show.id])
    expect(await ids(`q=${t}&minRating=7`)).toEqual([a.show.id])
    expect(await ids(`q=${t}&minRating=6.5`)).toEqual([a.show.id, b.show.id])
    expect(await ids(`q=${t}&city=${city}&minRating=8.1&tag=noir`)).toEqual([a.show.id])
  })

  it('filters by the date of a screening in the VENUE\'s timezone', async () => {
    const t = unique()
    // Late evening UTC is already tomorrow in Kolkata (+05:30) and still today in New York.
    const start = new Date(BASE + 10 * DAY)
    start.setUTCHours(20, 0, 0, 0)
    const utcDate = start.toISOString().slice(0, 10)
    const next = new Date(start.getTime() + DAY).toISOString().slice(0, 10)
    const kolkata = await scheduled({ name: `Kolkata ${t}` }, { timezone: 'Asia/Kolkata' }, start.toISOString())
    const newYork = await scheduled({ name: `New York ${t}` }, { timezone: 'America/New_York' }, new Date(start.getTime() + 7 * HOUR).toISOString())
    const ids = async (date: string) => (await get<Page<Show>>(`/api/shows?q=${t}&date=${date}`)).body.items.map(s => s.id)
    expect(await ids(next)).toEqual([kolkata.show.id])
    expect(await ids(utcDate)).toEqual([newYork.show.id])
  })

  it('lists unscheduled shows only for an admin asking for all (401 anonymous, 403 user)', async () => {
    const t = unique()
    const unscheduled = await newShow({ name: `Unscheduled ${t}` })
    const { show } = await scheduled({ name: `Scheduled ${t}` })
    expect((await get<Page<Show>>(`/api/shows?q=${t}`)).body.items.map(s => s.id)).toEqual([show.id])
    expect((await get<Page<Show>>(`/api/shows?q=${t}`, adminToken)).body.items.map(s => s.id)).toEqual([show.id])
    expect((await get<Page<Show>>(`/api/shows?q=${t}&all=false`)).body.items.map(s => s.id)).toEqual([show.id])
    expect((await get(`/api/shows?q=${t}&all=true`)).status).toBe(401)
    expect((await get(`/api/shows?q=${t}&all=true`, userToken)).status).toBe(403)
    const all = await get<Page<Show>>(`/api/shows?q=${t}&all=true`, adminToken)
    expect(all.status).toBe(200)
    expect(all.body.total).toBe(2)
    expect(all.body.items.map(s => s.id).sort((x, y) => x - y)).toEqual([unscheduled.id, show.id])
  })

  it('pages with a total', async () => {
    const t = unique()
    const venue = await newVenue()
    for (let i = 0; i < 5; i++) {
      const show = await newShow({ name: `p${i} ${t}`, tags: [t] })
      await newScreening(show.id, venue.id, when(i * 4 * HOUR))
    }
    const page = async (query: string) => (await get<Page<Show>>(`/api/shows?tag=${t}&${query}`)).body
    const first = await page('pageSize=2')
    expect(first).toMatchObject({ total: 5, page: 1, pageSize: 2 })
    expect(first.items.map(s => s.name)).toEqual([`p0 ${t}`, `p1 ${t}`])
    const last = await page('pageSize=2&page=3')
    expect(last).toMatchObject({ total: 5, page: 3, pageSize: 2 })
    expect(last.items.map(s => s.name)).toEqual([`p4 ${t}`])
  })

  it.each([
    'pageSize=101', 'pageSize=0', 'page=0', 'page=-1', 'pageSize=abc', 'date=tomorrow', 'date=2026-13-01',
    'minRating=11', 'minRating=-1', 'minRating=abc', `q=${'x'.repeat(101)}`, 'all=maybe',
  ])('answers 400 with data.issues for ?%s', async (query) => {
    expectInvalid(await get(`/api/shows?${query}`, adminToken), query.split('=')[0])
  })
})

describe('screenings', () => {
  it('POST /api/screenings answers 201 with the screening; the price defaults to the show\'s ticket price', async () => {
    const show = await newShow({ ticketPrice: 31_500 })
    const venue = await newVenue({ capacity: 95, timezone: 'Asia/Kolkata' })
    const res = await asAdmin<Screening>('POST', '/api/screenings', { showId: show.id, venueId: venue.id, startsAt: when(0) })
    expect(res.status).toBe(201)
    expectScreening(res.body)
    expect(res.body).toMatchObject({
      startsAt: when(0), price: 31_500, capacity: 95, seatsLeft: 95,
      show: { id: show.id, name: show.name, posterUrl: null },
      venue: { id: venue.id, name: venue.name, place: venue.place, timezone: 'Asia/Kolkata' },
    })
    // endsAt (beyond the contract) is when the show ends: the start plus its duration.
    expect(res.body).toMatchObject({ endsAt: when(show.durationMinutes * MINUTE) })
    const priced = await asAdmin<Screening>('POST', '/api/screenings', { showId: show.id, venueId: venue.id, startsAt: when(DAY), price: 0 })
    expect(priced.body).toMatchObject({ price: 0 })
  })

  it('POST /api/screenings takes any offset and answers UTC', async () => {
    const { show, venue } = await scheduled()
    const local = new Date(BASE + 3 * DAY + 5.5 * HOUR).toISOString().slice(0, 19) + '+05:30'
    const res = await asAdmin<Screening>('POST', '/api/screenings', { showId: show.id, venueId: venue.id, startsAt: local })
    expect(res.status).toBe(201)
    expect(res.body.startsAt).toBe(when(3 * DAY))
  })

  it.each([
    ['a start in the past', { startsAt: new Date(Date.now() - MINUTE).toISOString() }, 'startsAt'],
    ['a start that is not a date', { startsAt: 'tomorrow' }, 'startsAt'],
    ['a start without an offset', { startsAt: when(0).slice(0, 19) }, 'startsAt'],
    ['showId as a string', { showId: 'SHOW' }, 'showId'],
    ['venueId missing', { venueId: undefined }, 'venueId'],
    ['a negative price', { price: -1 }, 'price'],
    ['price as a string', { price: '100' }, 'price'],
    ['a fractional price', { price: 10.5 }, 'price'],
    ['an unknown show', { showId: 987654321 }, 'showId'],
    ['an unknown venue', { venueId: 987654321 }, 'venueId'],
  ])('POST /api/screenings answers 400 with data.issues for %s, and creates nothing', async (_, change, field) => {
    const show = await newShow()
    const venue = await newVenue()
    const body: Record<string, unknown> = { showId: show.id, venueId: venue.id, startsAt: when(0), ...change }
    if (body.showId === 'SHOW') body.showId = String(show.id)
    expectInvalid(await asAdmin('POST', '/api/screenings', body), field)
    expect((await asAdmin<Page<Screening>>('GET', `/api/screenings?venueId=${venue.id}`)).body.total).toBe(0)
  })

  it('POST /api/screenings answers 409 for an overlap at the venue counting duration plus 15 minutes; back to back is fine', async () => {
    const show = await newShow({ durationMinutes: 100 })
    const venue = await newVenue()
    const first = await newScreening(show.id, venue.id, when(0))
    const early = await asAdmin('POST', '/api/screenings', { showId: show.id, venueId: venue.id, startsAt: when(114 * MINUTE) })
    expect(early.status).toBe(409)
    expect(early.body).toMatchObject({ statusCode: 409, message: expect.any(String), data: { conflictingScreeningId: first.id } })
    expect((await asAdmin('POST', '/api/screenings', { showId: show.id, venueId: venue.id, startsAt: when(-114 * MINUTE) })).status).toBe(409)
    expect((await asAdmin('POST', '/api/screenings', { showId: show.id, venueId: venue.id, startsAt: when(115 * MINUTE) })).status).toBe(201)
    expect((await asAdmin('POST', '/api/screenings', { showId: show.id, venueId: venue.id, startsAt: when(-115 * MINUTE) })).status).toBe(201)
    // Another venue is free at the same time.
    expect((await asAdmin('POST', '/api/screenings', { showId: show.id, venueId: (await newVenue()).id, startsAt: when(0) })).status).toBe(201)
  })

  it('POST /api/screenings lets exactly one of several simultaneous requests for a slot win; the others are 409', async () => {
    const show = await newShow()
    const venue = await newVenue()
    const replies = await Promise.all(Array.from({ length: 6 }, (_, i) =>
      asAdmin('POST', '/api/screenings', { showId: show.id, venueId: venue.id, startsAt: when(8 * DAY + i * MINUTE) })))
    expect(replies.map(r => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409])
    expect((await get<Page<Screening>>(`/api/screenings?venueId=${venue.id}`)).body.total).toBe(1)
  })

  it('GET /api/screenings/{id} answers the seat map with labels and taken flags', async () => {
    const { screening } = await scheduled({}, { capacity: 25, seatsPerRow: 10 })
    await sellSeats(db, screening.id, ['B3', 'C5'])
    const res = await get(`/api/screenings/${screening.id}`)
    expect(res.status).toBe(200)
    expectScreening(res.body)
    expect(res.body).toMatchObject({ id: screening.id, capacity: 25, seatsLeft: 23 })
    const labels = [...Array.from({ length: 10 }, (_, i) => `A${i + 1}`), ...Array.from({ length: 10 }, (_, i) => `B${i + 1}`), 'C1', 'C2', 'C3', 'C4', 'C5']
    expect(res.body.seats).toEqual(labels.map(label => ({ label, category: 'standard', taken: label === 'B3' || label === 'C5', held: false })))
  })

  it('GET /api/screenings/{id} names rows past Z as AA, AB, …', async () => {
    const { screening } = await scheduled({}, { capacity: 275, seatsPerRow: 10 })
    const seats = (await get(`/api/screenings/${screening.id}`)).body.seats as { label: string }[]
    expect(seats).toHaveLength(275)
    expect(seats.slice(258, 262).map(s => s.label)).toEqual(['Z9', 'Z10', 'AA1', 'AA2'])
    expect(seats.at(-1)!.label).toBe('AB5')
  })

  it('GET /api/screenings/{id} answers 404 for an unknown id and 400 for a non-numeric one', async () => {
    expect((await get('/api/screenings/987654321')).status).toBe(404)
    expect((await get('/api/screenings/abc')).status).toBe(400)
  })

  it('GET /api/screenings lists upcoming screenings, soonest first, paged and filtered', async () => {
    const show = await newShow()
    const venue = await newVenue()
    const later = await newScreening(show.id, venue.id, when(DAY))
    const sooner = await newScreening(show.id, venue.id, when(0))
    const past = await newScreening(show.id, venue.id, when(2 * DAY))
    await moveToPast(past.id)
    const res = await get<Page<Screening>>(`/api/screenings?venueId=${venue.id}`)
    expect(res.status).toBe(200)
    expectPage(res.body)
    res.body.items.forEach(expectScreening)
    expect(res.body.items.map(s => s.id)).toEqual([sooner.id, later.id])
    expect(res.body.total).toBe(2)
    // Asking from a date long ago still shows only what is upcoming.
    expect((await get<Page<Screening>>(`/api/screenings?venueId=${venue.id}&from=2000-01-01T00:00:00Z`)).body.items.map(s => s.id)).toEqual([sooner.id, later.id])
    expect((await get<Page<Screening>>(`/api/screenings?venueId=${venue.id}&from=2000-01-01T00:00:00Z`, userToken)).body.total).toBe(2)
    // An admin may look back.
    expect((await get<Page<Screening>>(`/api/screenings?venueId=${venue.id}&from=2000-01-01T00:00:00Z`, adminToken)).body.items.map(s => s.id)).toEqual([past.id, sooner.id, later.id])
    expect((await get<Page<Screening>>(`/api/screenings?showId=${show.id}&pageSize=1&page=2`)).body).toMatchObject({ total: 2, page: 2, pageSize: 1, items: [{ id: later.id }] })
  })

  it.each(['pageSize=101', 'page=0', 'venueId=abc', 'from=yesterday'])('GET /api/screenings?%s answers 400', async (query) => {
    expectInvalid(await get(`/api/screenings?${query}`), query.split('=')[0])
  })

  it('PATCH /api/screenings/{id} moves and reprices under the same rules as creating', async () => {
    const show = await newShow({ durationMinutes: 100 })
    const venue = await newVenue()
    const a = await newScreening(show.id, venue.id, when(0))
    const b = await newScreening(show.id, venue.id, when(5 * HOUR))
    const moved = await asAdmin<Screening>('PATCH', `/api/screenings/${a.id}`, { startsAt: when(30 * MINUTE), price: 777 })
    expect(moved.status).toBe(200)
    expectScreening(moved.body)
    expect(moved.body).toMatchObject({ id: a.id, startsAt: when(30 * MINUTE), price: 777 })
    const clash = await asAdmin('PATCH', `/api/screenings/${b.id}`, { startsAt: when(144 * MINUTE) })
    expect(clash.status).toBe(409)
    expect(clash.body).toMatchObject({ data: { conflictingScreeningId: a.id } })
    expect((await asAdmin('PATCH', `/api/screenings/${b.id}`, { startsAt: when(145 * MINUTE) })).status).toBe(200)
  })

  it.each([
    ['an empty change', {}, undefined],
    ['a start in the past', { startsAt: new Date(Date.now() - HOUR).toISOString() }, 'startsAt'],
    ['a negative price', { price: -5 }, 'price'],
    ['price as a string', { price: '5' }, 'price'],
  ])('PATCH /api/screenings/{id} answers 400 for %s and changes nothing', async (_, patch, field) => {
    const { screening } = await scheduled()
    expectInvalid(await asAdmin('PATCH', `/api/screenings/${screening.id}`, patch), field)
    expect((await get(`/api/screenings/${screening.id}`)).body).toMatchObject({ startsAt: screening.startsAt, price: screening.price })
  })

  it('PATCH /api/screenings/{id} answers 404 for an unknown screening', async () => {
    expect((await asAdmin('PATCH', '/api/screenings/987654321', { price: 1 })).status).toBe(404)
  })

  it('DELETE /api/screenings/{id} cancels the bookings, frees the seats and answers 204; then 404', async () => {
    const { show, screening } = await scheduled()
    const booking = await sellSeats(db, screening.id, ['A1', 'A2'])
    const res = await asAdmin('DELETE', `/api/screenings/${screening.id}`)
    expect(res.status).toBe(204)
    expect(res.body).toBe('')
    expect((await get(`/api/screenings/${screening.id}`)).status).toBe(404)
    expect((await get(`/api/shows/${show.id}`)).body.screenings).toEqual([])
    const row = await db.selectFrom('bookings').select('status').where('id', '=', booking.id).executeTakeFirstOrThrow()
    expect(row.status).toBe('cancelled')
    expect(await db.selectFrom('booking_seats').select('seat').where('screening_id', '=', screening.id).execute()).toEqual([])
    expect((await asAdmin('DELETE', `/api/screenings/${screening.id}`)).status).toBe(404)
  })

  it('DELETE /api/screenings/{id} deletes a screening without bookings outright', async () => {
    const { screening } = await scheduled()
    expect((await asAdmin('DELETE', `/api/screenings/${screening.id}`)).status).toBe(204)
    expect(await db.selectFrom('screenings').select('id').where('id', '=', screening.id).execute()).toEqual([])
    expect((await asAdmin('DELETE', '/api/screenings/987654321')).status).toBe(404)
  })
})

describe('search and filters', () => {
  it('GET /api/search answers {shows, venues} matching the text', async () => {
    const t = unique()
    const { show, venue } = await scheduled({ name: `Found ${t}` }, { name: `Venue ${t}` })
    const unscheduled = await newShow({ name: `Unscheduled ${t}` })
    const res = await get(`/api/search?q=${t.toUpperCase()}`)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ shows: [expect.objectContaining({ id: show.id, name: show.name })], venues: [listed(venue)] })
    expectShow(res.body.shows[0])
    expect(res.body.shows.map((s: Show) => s.id)).not.toContain(unscheduled.id)
  })

  it('GET /api/search answers nothing for an empty text and 400 for a text over 100 characters', async () => {
    expect((await get('/api/search?q=')).body).toEqual({ shows: [], venues: [] })
    expect((await get('/api/search')).body).toEqual({ shows: [], venues: [] })
    expectInvalid(await get(`/api/search?q=${'x'.repeat(101)}`), 'q')
  })

  it('GET /api/filters answers the cities and the tags with their counts', async () => {
    const t = unique()
    await scheduled({ tags: [t] }, { place: `City${t}` })
    await newShow({ tags: [t] })
    const res = await get('/api/filters')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ cities: expect.arrayContaining([`City${t}`]), tags: expect.arrayContaining([{ tag: t, count: 2 }]) })
  })
})

describe('the public cache', () => {
  it('shows a new show in GET /api/shows and /api/search as soon as the admin creates it', async () => {
    const t = unique()
    // Warm the cache with the answers from before.
    expect((await get(`/api/shows?q=${t}`)).body.total).toBe(0)
    expect((await get(`/api/search?q=${t}`)).body.shows).toEqual([])
    expect((await get(`/api/venues?q=${t}`)).body.total).toBe(0)

    const { show, venue, screening } = await scheduled({ name: `Fresh ${t}` }, { name: `Fresh hall ${t}` })
    const list = await get<Page<Show & { nextScreening: { id: number } }>>(`/api/shows?q=${t}`)
    expect(list.body.total).toBe(1)
    expect(list.body.items[0]).toMatchObject({ id: show.id, nextScreening: { id: screening.id } })
    expect((await get(`/api/search?q=${t}`)).body).toMatchObject({ shows: [{ id: show.id }], venues: [{ id: venue.id }] })
    expect((await get(`/api/venues?q=${t}`)).body.total).toBe(1)

    // A change and a deletion show at once too.
    await asAdmin('PATCH', `/api/shows/${show.id}`, { name: `Renamed ${t}` })
    expect((await get(`/api/shows/${show.id}`)).body.name).toBe(`Renamed ${t}`)
    expect((await get(`/api/search?q=${t}`)).body.shows[0].name).toBe(`Renamed ${t}`)
    await asAdmin('DELETE', `/api/screenings/${screening.id}`)
    expect((await get(`/api/shows?q=${t}`)).body.total).toBe(0)
    expect((await get(`/api/shows/${show.id}`)).body.screenings).toEqual([])
  })

  it('keeps seatsLeft right: at once on the seat map, within a few seconds everywhere else', async () => {
    const { show, screening } = await scheduled({}, { capacity: 40, seatsPerRow: 10 })
    expect((await get(`/api/shows/${show.id}`)).body.screenings[0].seatsLeft).toBe(40)
    await sellSeats(db, screening.id, ['A1', 'A2', 'A3'])
    expect((await get(`/api/screenings/${screening.id}`)).body.seatsLeft).toBe(37)
    const started = Date.now()
    for (;;) {
      const left = (await get(`/api/shows/${show.id}`)).body.screenings[0].seatsLeft
      if (left === 37) break
      expect(left).toBe(40)
      expect(Date.now() - started).toBeLessThan(7000)
      await new Promise(r => setTimeout(r, 200))
    }
    expect((await get<Page<Screening>>(`/api/screenings?showId=${show.id}`)).body.items[0]!.seatsLeft).toBe(37)
  })
})

describe('the reader threads', () => {
  it('read the listings and show an admin change on every page of a listing at once', async () => {
    // SQLite: the listings are read on reader threads (PostgreSQL reads on its own pool).
    if (!server.databaseUrl) expect(server.output()).toMatch(/\[db\] catalogue listings read on [1-9]\d* reader threads?/)
    const t = unique()
    const venue = await newVenue({ place: `Town ${t}` })
    const made: { show: Show, screening: Screening }[] = []
    for (let i = 0; i < 5; i++) {
      const show = await newShow({ name: `Paged ${t} ${i}` })
      made.push({ show, screening: await newScreening(show.id, venue.id, when(i * 3 * HOUR)) })
    }
    const pages = (filter: Record<string, string>) => Promise.all([1, 2, 3].map(async (page) => {
      const res = await get<Page<Show>>(`/api/shows?${new URLSearchParams({ ...filter, pageSize: '2', page: String(page) })}`)
      return [res.body.total, res.body.items.map(s => s.name.replace(` ${t} `, ' '))]
    }))
    const filters: Record<string, string>[] = [{ q: t }, { q: t, city: `TOWN ${t}` }]
    for (const filter of filters)
      expect(await pages(filter)).toEqual([[5, ['Paged 0', 'Paged 1']], [5, ['Paged 2', 'Paged 3']], [5, ['Paged 4']]])

    await asAdmin('PATCH', `/api/shows/${made[2]!.show.id}`, { name: `Renamed ${t} 2` })
    expect((await asAdmin('DELETE', `/api/screenings/${made[0]!.screening.id}`)).status).toBe(204)
    expect((await asAdmin('PATCH', `/api/screenings/${made[4]!.screening.id}`, { startsAt: when(-HOUR) })).status).toBe(200)
    for (const filter of filters)
      expect(await pages(filter)).toEqual([[4, ['Paged 4', 'Paged 1']], [4, ['Renamed 2', 'Paged 3']], [4, []]])
  })
})

describe('admin routes', () => {
  // A valid request for every admin route, so that only the caller is wrong.
  let target: { show: Show, venue: Venue, screening: Screening }
  beforeAll(async () => {
    target = await scheduled({ name: `Target ${unique()}` })
  })

  const routes: [string, string, (t: typeof target) => string, (t: typeof target) => unknown][] = [
    ['POST /api/venues', 'POST', () => '/api/venues', () => ({ name: 'Hall', place: 'Pune', capacity: 10 })],
    ['PATCH /api/venues/{id}', 'PATCH', t => `/api/venues/${t.venue.id}`, () => ({ name: 'Hacked' })],
    ['DELETE /api/venues/{id}', 'DELETE', t => `/api/venues/${t.venue.id}`, () => undefined],
    ['POST /api/shows', 'POST', () => '/api/shows', () => ({ name: 'Film', ticketPrice: 100 })],
    ['PATCH /api/shows/{id}', 'PATCH', t => `/api/shows/${t.show.id}`, () => ({ name: 'Hacked' })],
    ['DELETE /api/shows/{id}', 'DELETE', t => `/api/shows/${t.show.id}`, () => undefined],
    ['PUT /api/shows/{id}/poster', 'PUT', t => `/api/shows/${t.show.id}/poster`, () => posterForm()],
    ['GET /api/shows?all=true', 'GET', () => '/api/shows?all=true', () => undefined],
    ['POST /api/screenings', 'POST', () => '/api/screenings', t => ({ showId: t.show.id, venueId: t.venue.id, startsAt: when(20 * DAY) })],
    ['PATCH /api/screenings/{id}', 'PATCH', t => `/api/screenings/${t.screening.id}`, () => ({ price: 1 })],
    ['DELETE /api/screenings/{id}', 'DELETE', t => `/api/screenings/${t.screening.id}`, () => undefined],
    ['POST /api/admin/tasks/{name}', 'POST', () => '/api/admin/tasks/db:seed', () => undefined],
  ]

  function posterForm() {
    const form = new FormData()
    form.append('poster', new Blob([new Uint8Array([0x89, 0x50, 0x4E, 0x47])], { type: 'image/png' }), 'poster.png')
    return form
  }

  it.each(routes)('%s answers 401 without a token and 403 to an approved user, and changes nothing', async (_, method, path, body) => {
    const anonymous = await server.request(method, path(target), { body: body(target) })
    expect(anonymous.status).toBe(401)
    expect(anonymous.body).toMatchObject({ statusCode: 401 })
    const user = await server.request(method, path(target), { token: userToken, body: body(target) })
    expect(user.status).toBe(403)
    expect(user.body).toMatchObject({ statusCode: 403 })
    const forged = await server.request(method, path(target), { token: `${adminToken}x`, body: body(target) })
    expect(forged.status).toBe(401)

    expect((await get(`/api/venues/${target.venue.id}`)).body).toEqual(target.venue)
    expect((await get(`/api/shows/${target.show.id}`)).body).toMatchObject({ ...target.show })
    expect((await get(`/api/screenings/${target.screening.id}`)).body).toMatchObject({ id: target.screening.id, price: target.screening.price })
  })

  it('created nothing for the refused callers', async () => {
    expect((await get<Page<Venue>>('/api/venues?q=Hacked')).body.total).toBe(0)
    expect((await get<Page<Screening>>(`/api/screenings?venueId=${target.venue.id}`)).body.total).toBe(1)
    expect((await get<Page<Venue>>('/api/venues?pageSize=100')).body.items.filter(v => v.name === 'Hall' && v.capacity === 10)).toEqual([])
  })
})
