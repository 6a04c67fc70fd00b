import { afterAll, describe, expect, it } from 'vitest'
import type { Db } from '../../server/db'
import { useTestServer } from '../helpers/server'
import type { TestServer } from '../helpers/server'
import { openServerDb, sellSeats, unique } from '../helpers/fixtures'
import type { HallLayout as HallLayoutInput } from '#shared/layout'
import type { Booking, ScreeningDetail, VenueDetail } from '#shared/types/api'

// Halls as they are, over HTTP on the built server: a venue's layout (categories, rows with
// aisles, wheelchair and companion places), a screening's price per category, and bookings
// whose seats each carry their category and price.

const DAY = 86_400_000

let server: TestServer
let adminToken: string
let userToken: string
let db: Db

useTestServer((ready) => {
  ({ server, adminToken, member: { token: userToken } } = ready)
  db = openServerDb(server)
})
afterAll(() => db?.destroy())

const get = <T = any>(path: string) => server.request<T>('GET', path) // eslint-disable-line @typescript-eslint/no-explicit-any
const asAdmin = <T = any>(method: string, path: string, body?: unknown) => server.request<T>(method, path, { token: adminToken, body }) // eslint-disable-line @typescript-eslint/no-explicit-any
const asUser = <T = any>(method: string, path: string, body?: unknown) => server.request<T>(method, path, { token: userToken, body }) // eslint-disable-line @typescript-eslint/no-explicit-any

/** Rows A–D: seats 1–3, an aisle, seats 4–7. A and B Classic, C and D Prime; A1 a wheelchair space, A2 its companion seat. */
function hall(): HallLayoutInput {
  const row = (label: string, category: string) => ({
    label,
    places: [1, 2, 3].map(seat => ({ seat, category })).concat([{ gap: true } as never], [4, 5, 6, 7].map(seat => ({ seat, category }))),
  })
  const layout: HallLayoutInput = {
    categories: [{ id: 'classic', name: 'Classic' }, { id: 'prime', name: 'Prime' }],
    rows: [row('A', 'classic'), row('B', 'classic'), row('C', 'prime'), row('D', 'prime')],
  }
  layout.rows[0]!.places[0] = { seat: 1, category: 'classic', access: 'wheelchair' }
  layout.rows[0]!.places[1] = { seat: 2, category: 'classic', access: 'companion' }
  return layout
}

async function venueWithHall(): Promise<VenueDetail> {
  const venue = await asAdmin<VenueDetail>('POST', '/api/venues', { name: `Hall ${unique()}`, place: 'Pune', capacity: 20, seatsPerRow: 10 })
  expect(venue.status).toBe(201)
  const res = await asAdmin<VenueDetail>('PUT', `/api/venues/${venue.body.id}/layout`, hall())
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  return res.body
}

async function screeningAt(venueId: number, body: Record<string, unknown> = {}, inDays = 3) {
  const show = await asAdmin('POST', '/api/shows', { name: `Show ${unique()}`, ticketPrice: 20_000, durationMinutes: 90 })
  const res = await asAdmin('POST', '/api/screenings', { showId: show.body.id, venueId, startsAt: new Date(Date.now() + inDays * DAY).toISOString(), ...body })
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  return res.body as { id: number, price: number, prices: Record<string, number> }
}

describe('PUT /api/venues/{id}/layout', () => {
  it('gives a venue its hall: capacity from the seats, the layout in GET /api/venues/{id}', async () => {
    const venue = await venueWithHall()
    expect(venue).toMatchObject({ capacity: 28, seatsPerRow: 7, layout: hall() })
    expect((await get(`/api/venues/${venue.id}`)).body).toEqual(venue)
    // The list stays light: no layouts in it.
    const list = await get(`/api/venues?q=${encodeURIComponent(venue.name)}`)
    expect(list.body.items[0]).not.toHaveProperty('layout')
  })

  it('shows a screening\'s rows with their aisles, each seat with its category and access', async () => {
    const venue = await venueWithHall()
    const screening = await screeningAt(venue.id, { prices: { prime: 32_000 } })
    const res = await get<ScreeningDetail>(`/api/screenings/${screening.id}`)
    expect(res.status).toBe(200)
    expect(res.body.categories).toEqual([
      { id: 'classic', name: 'Classic', price: 20_000, seatsLeft: 14 },
      { id: 'prime', name: 'Prime', price: 32_000, seatsLeft: 14 },
    ])
    expect(res.body.rows.map(r => r.label)).toEqual(['A', 'B', 'C', 'D'])
    expect(res.body.rows[0]!.places.slice(0, 5)).toEqual([
      { label: 'A1', category: 'classic', access: 'wheelchair', taken: false, held: false },
      { label: 'A2', category: 'classic', access: 'companion', taken: false, held: false },
      { label: 'A3', category: 'classic', taken: false, held: false },
      { gap: true },
      { label: 'A4', category: 'classic', taken: false, held: false },
    ])
    expect(res.body.seats).toHaveLength(28)
    expect(res.body).toMatchObject({ capacity: 28, seatsLeft: 28, prices: { prime: 32_000 } })
  })

  it('answers 400 on a malformed layout and changes nothing', async () => {
    const venue = await venueWithHall()
    const bad: [string, unknown][] = [
      ['no rows', { ...hall(), rows: [] }],
      ['no categories', { ...hall(), categories: [] }],
      ['a row twice', { ...hall(), rows: [hall().rows[0], hall().rows[0]] }],
      ['a seat twice in a row', { ...hall(), rows: [{ label: 'A', places: [{ seat: 1, category: 'classic' }, { seat: 1, category: 'classic' }] }] }],
      ['an unknown category', { ...hall(), rows: [{ label: 'A', places: [{ seat: 1, category: 'gold' }] }] }],
      ['a lower-case row label', { ...hall(), rows: [{ label: 'a', places: [{ seat: 1, category: 'classic' }] }] }],
      ['seat 0', { ...hall(), rows: [{ label: 'A', places: [{ seat: 0, category: 'classic' }] }] }],
      ['an unknown access', { ...hall(), rows: [{ label: 'A', places: [{ seat: 1, category: 'classic', access: 'vip' }] }] }],
      ['a place that is neither', { ...hall(), rows: [{ label: 'A', places: [{ aisle: true }] }] }],
      ['only aisles', { ...hall(), rows: [{ label: 'A', places: [{ gap: true }] }] }],
      ['a category id twice', { ...hall(), categories: [{ id: 'classic', name: 'A' }, { id: 'classic', name: 'B' }] }],
      ['not an object', 'rows'],
    ]
    for (const [what, body] of bad) {
      const res = await asAdmin('PUT', `/api/venues/${venue.id}/layout`, body)
      expect(res.status, what).toBe(400)
      expect(res.body.message, what).toEqual(expect.any(String))
    }
    expect((await get(`/api/venues/${venue.id}`)).body).toEqual(venue)
  })

  it('is for admins only, and answers 404 for an unknown venue', async () => {
    const venue = await venueWithHall()
    expect((await server.request('PUT', `/api/venues/${venue.id}/layout`, { body: hall() })).status).toBe(401)
    expect((await asUser('PUT', `/api/venues/${venue.id}/layout`, hall())).status).toBe(403)
    expect((await asAdmin('PUT', '/api/venues/987654321/layout', hall())).status).toBe(404)
  })

  it('answers 409 when a seat sold for an upcoming screening would disappear, and changes nothing', async () => {
    const venue = await venueWithHall()
    const screening = await screeningAt(venue.id)
    await sellSeats(db, screening.id, ['D7'])
    const shorter = hall()
    shorter.rows[3]!.places.pop()
    const res = await asAdmin('PUT', `/api/venues/${venue.id}/layout`, shorter)
    expect(res.status).toBe(409)
    expect(res.body.data).toMatchObject({ seats: ['D7'] })
    expect((await get(`/api/venues/${venue.id}`)).body).toEqual(venue)
    // Moving the sold seat to another category, or adding an aisle beside it, is fine.
    const moved = hall()
    moved.rows[3]!.places = moved.rows[3]!.places.map(p => 'seat' in p ? { ...p, category: 'classic' } : p).concat([{ gap: true } as never])
    const ok = await asAdmin<VenueDetail>('PUT', `/api/venues/${venue.id}/layout`, moved)
    expect(ok.status).toBe(200)
    expect((await get(`/api/screenings/${screening.id}`)).body).toMatchObject({ capacity: 28, seatsLeft: 27 })
  })
})

describe('prices by category', () => {
  it('refuses (400) a price for a category the hall does not have, on create and on change', async () => {
    const venue = await venueWithHall()
    const show = await asAdmin('POST', '/api/shows', { name: `Show ${unique()}`, ticketPrice: 20_000 })
    const res = await asAdmin('POST', '/api/screenings', { showId: show.body.id, venueId: venue.id, startsAt: new Date(Date.now() + 4 * DAY).toISOString(), prices: { gold: 1 } })
    expect(res.status).toBe(400)
    expect(res.body.message).toMatch(/gold/)
    const screening = await screeningAt(venue.id)
    expect((await asAdmin('PATCH', `/api/screenings/${screening.id}`, { prices: { gold: 1 } })).status).toBe(400)
    expect((await asAdmin('PATCH', `/api/screenings/${screening.id}`, { prices: { prime: -5 } })).status).toBe(400)
    expect((await get(`/api/screenings/${screening.id}`)).body.prices).toEqual({})
  })

  it('charges each seat its category\'s price: the lines, the total, My bookings and the CSV', async () => {
    const venue = await venueWithHall()
    const screening = await screeningAt(venue.id, { prices: { prime: 35_000 } })
    const res = await asUser<Booking>('POST', '/api/bookings', { screeningId: screening.id, seats: ['B4', 'C4'] })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    expect(res.body.lines).toEqual([
      { seat: 'B4', category: 'classic', categoryName: 'Classic', price: 20_000 },
      { seat: 'C4', category: 'prime', categoryName: 'Prime', price: 35_000 },
    ])
    expect(res.body).toMatchObject({ quantity: 2, total: 55_000, unitPrice: 27_500 })
    expect((await asUser<Booking>('GET', `/api/bookings/${res.body.id}`)).body).toEqual(res.body)
    const csv = await server.request<string>('GET', '/api/bookings/export.csv', { token: userToken })
    expect(csv.body).toContain('B4 Classic 200.00; C4 Prime 350.00')

    // A later price change leaves the booking as sold; a seat added in Prime costs what it paid there.
    expect((await asAdmin('PATCH', `/api/screenings/${screening.id}`, { prices: { prime: 50_000 } })).status).toBe(200)
    const changed = await asUser<Booking>('PATCH', `/api/bookings/${res.body.id}`, { seats: ['B4', 'C4', 'C5'] })
    expect(changed.status).toBe(200)
    expect(changed.body.lines.map(l => l.price)).toEqual([20_000, 35_000, 35_000])
    expect(changed.body.total).toBe(90_000)
    const another = await asUser<Booking>('POST', '/api/bookings', { screeningId: screening.id, seats: ['D4'] })
    expect(another.body).toMatchObject({ total: 50_000, lines: [{ seat: 'D4', category: 'prime', price: 50_000 }] })
  })

  it('keeps a party of four together in the category asked for, never across an aisle', async () => {
    const venue = await venueWithHall()
    const screening = await screeningAt(venue.id, { prices: { prime: 30_000 } })
    const res = await asUser<Booking>('POST', '/api/bookings', { screeningId: screening.id, quantity: 4, category: 'prime' })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    const rows = new Set(res.body.seats.map(s => s[0]))
    expect(rows.size).toBe(1)
    expect(['C', 'D']).toContain([...rows][0])
    // Four together fit only in seats 4–7 of a row: 1–3 are on the other side of the aisle.
    expect(res.body.seats.map(s => Number(s.slice(1)))).toEqual([4, 5, 6, 7])
    expect(res.body.lines.every(l => l.category === 'prime' && l.price === 30_000)).toBe(true)
    expect(res.body.total).toBe(120_000)

    expect((await asUser('POST', '/api/bookings', { screeningId: screening.id, quantity: 2, category: 'gold' })).status).toBe(400)
    // The last ten Prime seats cannot sit together: they are taken as the best ones left.
    const rest = await asUser<Booking>('POST', '/api/bookings', { screeningId: screening.id, quantity: 10, category: 'prime' })
    expect(rest.status).toBe(201)
    expect(rest.body.lines.every(l => l.category === 'prime')).toBe(true)
    // Prime is sold out, though Classic has room: a party asking for Prime is told so.
    const none = await asUser('POST', '/api/bookings', { screeningId: screening.id, quantity: 1, category: 'prime' })
    expect(none.status).toBe(409)
    expect(none.body.message).toMatch(/Prime/)
  })
})
