import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../server/db'
import { useTestServer } from '../helpers/server'
import type { TestServer } from '../helpers/server'
import { openServerDb, sellSeats, unique } from '../helpers/fixtures'
import type { HallLayout } from '#shared/layout'
import type { Page, Screening, ShowDetail, ShowScreening } from '#shared/types/api'

// What a showtime's tile shows, over HTTP on the built server (SQLite, or PostgreSQL with
// TEST_DATABASE_URL): each screening's price range across the seat categories of its venue's
// hall, and how full it is: sold out at no seat left, filling fast at 20% of the capacity or
// 10 seats left (whichever is more), available otherwise.

const DAY = 86_400_000

let server: TestServer
let adminToken: string
let db: Db

useTestServer((ready) => {
  ({ server, adminToken } = ready)
  db = openServerDb(server)
})
afterAll(() => db?.destroy())

const get = <T>(path: string) => server.request<T>('GET', path)
async function asAdmin<T = { id: number }>(method: string, path: string, body: unknown): Promise<T> {
  const res = await server.request<T>(method, path, { token: adminToken, body })
  expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300)
  return res.body
}

/** Rows A–D of seven seats with an aisle after the third: A and B Classic, C and D Prime (28 seats). */
function twoCategoryHall(): HallLayout {
  const row = (label: string, category: string) => ({
    label,
    places: [
      ...[1, 2, 3].map(seat => ({ seat, category })),
      { gap: true as const },
      ...[4, 5, 6, 7].map(seat => ({ seat, category })),
    ],
  })
  return {
    categories: [{ id: 'classic', name: 'Classic' }, { id: 'prime', name: 'Prime' }],
    rows: [row('A', 'classic'), row('B', 'classic'), row('C', 'prime'), row('D', 'prime')],
  }
}
/** The first `n` seats of the two-category hall, front row first. */
const hallSeats = (n: number) => ['A', 'B', 'C', 'D'].flatMap(r => [1, 2, 3, 4, 5, 6, 7].map(s => `${r}${s}`)).slice(0, n)
/** The first `n` seats of a 100-seat rectangle of rows of ten (A1–J10). */
const rectangleSeats = (n: number) => 'ABCDEFGHIJ'.split('').flatMap(r => Array.from({ length: 10 }, (_, i) => `${r}${i + 1}`)).slice(0, n)

let showId: number
let hallVenueId: number
const ids: Record<string, number> = {}

beforeAll(async () => {
  const hall = await asAdmin('POST', '/api/venues', { name: unique('Tiered Hall '), place: 'Pune', capacity: 20, seatsPerRow: 10 })
  await asAdmin('PUT', `/api/venues/${hall.id}/layout`, twoCategoryHall())
  hallVenueId = hall.id
  const big = await asAdmin('POST', '/api/venues', { name: unique('Big Flat Hall '), place: 'Mumbai', capacity: 100, seatsPerRow: 10 })
  const show = await asAdmin('POST', '/api/shows', { name: unique('Marked Show '), ticketPrice: 20_000, durationMinutes: 90 })
  showId = show.id
  const at = (days: number) => new Date(Date.now() + days * DAY).toISOString()
  const screening = async (name: string, venueId: number, days: number, extra: object = {}) => {
    ids[name] = (await asAdmin('POST', '/api/screenings', { showId, venueId, startsAt: at(days), ...extra })).id
  }
  await screening('tiered', hallVenueId, 2, { prices: { prime: 42_000 } })
  await screening('cheaperCategory', hallVenueId, 3, { price: 30_000, prices: { classic: 18_000 } })
  await screening('tenLeft', hallVenueId, 4, { prices: { classic: 25_000, prime: 25_000 } })
  await screening('elevenLeft', hallVenueId, 5)
  await screening('soldOut', hallVenueId, 6, { prices: { prime: 42_000 } })
  await screening('twentyLeft', big.id, 2)
  await screening('twentyOneLeft', big.id, 3)
  // Sold straight in the database (no admin write), before anything is read and cached, in
  // bookings of at most ten seats.
  const sell = async (id: number, seats: string[]) => {
    for (let i = 0; i < seats.length; i += 10) await sellSeats(db, id, seats.slice(i, i + 10))
  }
  await sell(ids.tenLeft!, hallSeats(18))
  await sell(ids.elevenLeft!, hallSeats(17))
  await sell(ids.soldOut!, hallSeats(28))
  await sell(ids.twentyLeft!, rectangleSeats(80))
  await sell(ids.twentyOneLeft!, rectangleSeats(79))
})

/** What GET /api/shows/{id} says of each screening, by name. */
async function showScreenings(): Promise<Record<string, ShowScreening>> {
  const res = await get<ShowDetail>(`/api/shows/${showId}`)
  expect(res.status).toBe(200)
  return Object.fromEntries(Object.entries(ids).map(([name, id]) => [name, res.body.screenings.find(s => s.id === id)!]))
}

describe('a show\'s screenings: price range and availability', () => {
  it('give the price range across the hall\'s categories, the base price standing in for those not priced, and keep price and seatsLeft', async () => {
    const s = await showScreenings()
    expect(s.tiered).toMatchObject({ price: 20_000, priceRange: { min: 20_000, max: 42_000 }, seatsLeft: 28, availability: 'available' })
    expect(s.cheaperCategory).toMatchObject({ price: 30_000, priceRange: { min: 18_000, max: 30_000 } })
    // Every category priced alike: one price, though the base price differs.
    expect(s.tenLeft).toMatchObject({ price: 20_000, priceRange: { min: 25_000, max: 25_000 } })
    // A hall of one category (a venue without a layout), no prices set: the base price alone.
    expect(s.twentyLeft).toMatchObject({ price: 20_000, priceRange: { min: 20_000, max: 20_000 } })
  })

  it('mark a screening filling fast at 10 seats left when that is more than 20% of it, available at 11', async () => {
    const s = await showScreenings()
    expect(s.tenLeft).toMatchObject({ seatsLeft: 10, availability: 'filling-fast' })
    expect(s.elevenLeft).toMatchObject({ seatsLeft: 11, availability: 'available' })
  })

  it('mark a 100-seat screening filling fast at 20 seats left (20%), available at 21', async () => {
    const s = await showScreenings()
    expect(s.twentyLeft).toMatchObject({ seatsLeft: 20, availability: 'filling-fast' })
    expect(s.twentyOneLeft).toMatchObject({ seatsLeft: 21, availability: 'available' })
  })

  it('mark a screening with no seat left sold out, its price range still given', async () => {
    const s = await showScreenings()
    expect(s.soldOut).toMatchObject({ seatsLeft: 0, availability: 'sold-out', priceRange: { min: 20_000, max: 42_000 } })
  })
})

describe('the screenings list and one screening', () => {
  it('carry the same price range and availability as the show (the venue page\'s tiles)', async () => {
    const fromShow = await showScreenings()
    const list = await get<Page<Screening>>(`/api/screenings?venueId=${hallVenueId}&pageSize=100`)
    expect(list.status).toBe(200)
    expect(list.body.items).toHaveLength(5)
    for (const item of list.body.items) {
      const name = Object.keys(ids).find(n => ids[n] === item.id)!
      expect(item, name).toMatchObject({ priceRange: fromShow[name]!.priceRange, availability: fromShow[name]!.availability, seatsLeft: fromShow[name]!.seatsLeft })
    }
    const one = await get<Screening>(`/api/screenings/${ids.soldOut}`)
    expect(one.body).toMatchObject({ priceRange: { min: 20_000, max: 42_000 }, availability: 'sold-out', seatsLeft: 0, capacity: 28 })
  })

  it('follow a change of prices at once', async () => {
    const changed = await asAdmin<Screening>('PATCH', `/api/screenings/${ids.elevenLeft}`, { prices: { prime: 50_000 } })
    expect(changed).toMatchObject({ priceRange: { min: 20_000, max: 50_000 }, availability: 'available' })
    expect((await showScreenings()).elevenLeft).toMatchObject({ priceRange: { min: 20_000, max: 50_000 } })
  })
})
