import type { Db } from '../../db'
import { compileHall, rectangleLayout } from '#shared/layout'
import type { Hall, HallLayout } from '#shared/layout'
import type { Availability } from '#shared/types/api'
import { NotFound } from '../errors'

// A venue's hall: its stored layout, or the rows its capacity and seats per row make. The
// booking paths pick seats in it on every request, so a compiled hall is kept per venue and
// layout version (the version moves with every change to the layout, capacity or seats per
// row, on every instance alike).

/** The fields of a venue row a hall is made from. */
export interface HallSource {
  layout: string | null
  capacity: number
  seats_per_row: number
}

export function layoutOf(v: HallSource): HallLayout {
  return v.layout ? JSON.parse(v.layout) as HallLayout : rectangleLayout(v.capacity, v.seats_per_row)
}

const halls = new Map<string, Hall>()

function remember(key: string, hall: Hall): Hall {
  if (halls.size >= 500) halls.delete(halls.keys().next().value!)
  halls.set(key, hall)
  return hall
}

/** The compiled hall of a venue row. */
export function hallOf(v: HallSource & { id: number, layout_version: number }): Hall {
  const key = `${v.id}:${v.layout_version}`
  return halls.get(key) ?? remember(key, compileHall(layoutOf(v)))
}

/**
 * The compiled hall of a venue at a layout version, read from the database only when this
 * process has not compiled that version yet.
 */
export async function loadHall(db: Db, venueId: number, version: number): Promise<Hall> {
  const known = halls.get(`${venueId}:${version}`)
  if (known) return known
  const v = await db.selectFrom('venues').select(['id', 'layout', 'layout_version', 'capacity', 'seats_per_row']).where('id', '=', venueId).executeTakeFirst()
  if (!v) throw new NotFound('No such venue')
  return hallOf(v)
}

/**
 * The compiled halls of several venues at their layout versions, by venue id: one query for
 * all those this process has not compiled yet (none when it has them all), never one per venue.
 */
export async function loadHalls(db: Db, venues: readonly { id: number, version: number }[]): Promise<Map<number, Hall>> {
  const found = new Map<number, Hall>()
  const missing: number[] = []
  for (const v of venues) {
    if (found.has(v.id)) continue
    const known = halls.get(`${v.id}:${v.version}`)
    if (known) found.set(v.id, known)
    else if (!missing.includes(v.id)) missing.push(v.id)
  }
  if (missing.length) {
    const rows = await db.selectFrom('venues').select(['id', 'layout', 'layout_version', 'capacity', 'seats_per_row']).where('id', 'in', missing).execute()
    for (const v of rows) found.set(v.id, hallOf(v))
  }
  return found
}

/** A screening's price for each category of its hall: its own price where it names none. */
export function categoryPrices(hall: Hall, price: number, prices: string | null): Record<string, number> {
  const own = prices ? JSON.parse(prices) as Record<string, number> : {}
  return Object.fromEntries(hall.layout.categories.map(c => [c.id, own[c.id] ?? price]))
}

/** The cheapest and the dearest seat of a screening (minor units), across its hall's categories. */
export function priceRange(hall: Hall, price: number, prices: string | null): { min: number, max: number } {
  const all = Object.values(categoryPrices(hall, price, prices))
  return all.length ? { min: Math.min(...all), max: Math.max(...all) } : { min: price, max: price }
}

/**
 * Seats left at or under which a screening is filling fast: 20% of its capacity, or 10 seats
 * if that is more, but never more than half the hall (an empty small hall is not filling).
 */
export const FILLING_FAST_SEATS = 10
export const FILLING_FAST_SHARE = 0.2

/** How full a screening is, in the words of a showtime's tile: sold out at 0 seats left. */
export function availabilityOf(seatsLeft: number, capacity: number): Availability {
  if (seatsLeft <= 0) return 'sold-out'
  return seatsLeft <= Math.max(capacity * FILLING_FAST_SHARE, Math.min(FILLING_FAST_SEATS, capacity / 2)) ? 'filling-fast' : 'available'
}
