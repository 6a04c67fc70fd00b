import { rowLabel } from './seats'

/**
 * A hall as it is (PUT /api/venues/{id}/layout): seat categories in display order, and rows
 * front to back, each a label and its places from left to right, every place a seat (its
 * number, its category, and whether it is a wheelchair space or a companion seat beside one)
 * or a gap (an aisle). A seat's label is its row's label and its number (`C7`). The venue's
 * capacity is the number of seats.
 */

export type SeatAccess = 'wheelchair' | 'companion'

export interface SeatCategory {
  id: string
  name: string
}

export type LayoutPlace = { seat: number, category: string, access?: SeatAccess } | { gap: true }

export interface LayoutRow {
  label: string
  places: LayoutPlace[]
}

export interface HallLayout {
  categories: SeatCategory[]
  rows: LayoutRow[]
}

/** The category a hall made from capacity and seats per row has. */
export const STANDARD_CATEGORY: SeatCategory = { id: 'standard', name: 'Standard' }

export const MAX_LAYOUT_ROWS = 100
export const MAX_ROW_PLACES = 120
export const MAX_CATEGORIES = 8

/** Rows A, B, … of `seatsPerRow` seats (the last shorter), all Standard: a hall from its two numbers. */
export function rectangleLayout(capacity: number, seatsPerRow: number): HallLayout {
  const rows: LayoutRow[] = []
  for (let start = 0, i = 0; start < capacity; start += seatsPerRow, i++) {
    const count = Math.min(seatsPerRow, capacity - start)
    rows.push({ label: rowLabel(i), places: Array.from({ length: count }, (_, k) => ({ seat: k + 1, category: STANDARD_CATEGORY.id })) })
  }
  return { categories: [{ ...STANDARD_CATEGORY }], rows }
}

/** One seat of a compiled hall. */
export interface HallSeat {
  label: string
  category: string
  access?: SeatAccess
  /** zero-based row index, front first */
  row: number
  /** zero-based place index within its row (gaps count) */
  x: number
  /** index of the seat within its row's seats (gaps do not count) */
  pos: number
}

/** A hall ready to pick seats in: its seats by label, its rows of seats, the widest row's width. */
export interface Hall {
  layout: HallLayout
  seats: Map<string, HallSeat>
  /** per row, its seats left to right */
  rows: HallSeat[][]
  /** places in the widest row, gaps included */
  width: number
  capacity: number
  /** seats in the longest row: the venue's seatsPerRow */
  seatsPerRow: number
}

/** Compiles a (valid) layout. */
export function compileHall(layout: HallLayout): Hall {
  const seats = new Map<string, HallSeat>()
  const rows: HallSeat[][] = []
  let width = 0
  let seatsPerRow = 0
  layout.rows.forEach((r, row) => {
    const list: HallSeat[] = []
    r.places.forEach((p, x) => {
      if ('gap' in p) return
      const seat: HallSeat = { label: `${r.label}${p.seat}`, category: p.category, row, x, pos: list.length }
      if (p.access) seat.access = p.access
      list.push(seat)
      seats.set(seat.label, seat)
    })
    rows.push(list)
    width = Math.max(width, r.places.length)
    seatsPerRow = Math.max(seatsPerRow, list.length)
  })
  return { layout, seats, rows, width, capacity: seats.size, seatsPerRow }
}

/**
 * What is wrong with a layout, in words, or null when it is sound: row labels A–ZZZ once
 * each, seat numbers 1–9999 once per row, every seat in a known category, categories with
 * ids once each, at least one seat.
 */
export function layoutProblem(layout: HallLayout, maxSeats: number): string | null {
  const ids = new Set<string>()
  for (const c of layout.categories) {
    if (ids.has(c.id)) return `The category id "${c.id}" is used twice`
    ids.add(c.id)
  }
  const labels = new Set<string>()
  let count = 0
  for (const row of layout.rows) {
    if (labels.has(row.label)) return `Row ${row.label} appears twice`
    labels.add(row.label)
    const numbers = new Set<number>()
    for (const p of row.places) {
      if ('gap' in p) continue
      if (numbers.has(p.seat)) return `Row ${row.label} has seat ${p.seat} twice`
      numbers.add(p.seat)
      if (!ids.has(p.category)) return `Seat ${row.label}${p.seat} is in the category "${p.category}", which the layout does not list`
      count++
    }
  }
  if (count === 0) return 'A hall needs at least one seat'
  if (count > maxSeats) return `At most ${maxSeats} seats`
  return null
}
