import type { Hall } from '#shared/layout'
import type { BookingLine } from '#shared/types/api'
import { STANDARD_CATEGORY } from '#shared/layout'
import { Invalid } from '../errors'

// What each seat of a booking costs: its category's price at the screening when it was
// sold. A booking keeps its lines (seat, category, price) as sold; a change prices only the
// seats it adds.

/** The lines of `seats` at a screening's category prices. */
export function priceSeats(hall: Hall, prices: Record<string, number>, seats: string[]): BookingLine[] {
  const names = new Map(hall.layout.categories.map(c => [c.id, c.name]))
  return seats.map((seat) => {
    const category = hall.seats.get(seat)?.category ?? STANDARD_CATEGORY.id
    return { seat, category, categoryName: names.get(category) ?? category, price: prices[category] ?? 0 }
  })
}

export const totalOf = (lines: BookingLine[]) => lines.reduce((sum, l) => sum + l.price, 0)

/** The booking's price per seat: exact when its seats cost the same, else their average (rounded). */
export const unitPriceOf = (lines: BookingLine[]) => lines.length ? Math.round(totalOf(lines) / lines.length) : 0

/** A booking's stored lines; bookings made before categories have every seat Standard, at the unit price. */
export function linesOf(stored: string | null, seats: string[], unitPrice: number): BookingLine[] {
  if (stored) return JSON.parse(stored) as BookingLine[]
  return seats.map(seat => ({ seat, category: STANDARD_CATEGORY.id, categoryName: STANDARD_CATEGORY.name, price: unitPrice }))
}

/** Invalid (on `category`) when the hall has no such category. */
export function assertCategory(hall: Hall, category: string) {
  if (!hall.layout.categories.some(c => c.id === category))
    throw new Invalid(`This hall has no seat category "${category}" (it has ${hall.layout.categories.map(c => c.id).join(', ')})`, 'category')
}

export const categoryName = (hall: Hall, id: string) => hall.layout.categories.find(c => c.id === id)?.name ?? id
