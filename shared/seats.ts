/**
 * Seat layout, derived from a venue's capacity and seats per row: rows A, B, … Z, AA, AB, …
 * numbered 1..seatsPerRow, the last row shorter when capacity is not a multiple.
 */

/** The most seats one booking holds (the seat map stops there, the API refuses more). */
export const MAX_SEATS_PER_BOOKING = 10

/** The label of the row at a zero-based index: 0 → A, 25 → Z, 26 → AA, 27 → AB. */
export function rowLabel(index: number): string {
  let n = index
  let label = ''
  do {
    label = String.fromCharCode(65 + (n % 26)) + label
    n = Math.floor(n / 26) - 1
  } while (n >= 0)
  return label
}

/** The zero-based index of a row label, or -1 when it is not a row label. */
export function rowIndex(label: string): number {
  if (!/^[A-Z]{1,3}$/.test(label)) return -1
  let n = 0
  for (const ch of label) n = n * 26 + (ch.charCodeAt(0) - 64)
  return n - 1
}

export interface SeatRow {
  label: string
  seats: string[]
}

/** Every row with its seat labels, front (A) to back. */
export function seatRows(capacity: number, seatsPerRow: number): SeatRow[] {
  const rows: SeatRow[] = []
  for (let start = 0, i = 0; start < capacity; start += seatsPerRow, i++) {
    const label = rowLabel(i)
    const count = Math.min(seatsPerRow, capacity - start)
    rows.push({ label, seats: Array.from({ length: count }, (_, k) => `${label}${k + 1}`) })
  }
  return rows
}

/** Splits "C7" into its row and number; null when it is not shaped like a seat label. */
export function parseSeat(label: string): { row: string, number: number } | null {
  const m = /^([A-Z]{1,3})([1-9]\d{0,3})$/.exec(label)
  return m ? { row: m[1]!, number: Number(m[2]) } : null
}

/** True when the seat exists in the layout. */
export function seatExists(label: string, capacity: number, seatsPerRow: number): boolean {
  const seat = parseSeat(label)
  if (!seat) return false
  const row = rowIndex(seat.row)
  if (row < 0 || seat.number > seatsPerRow) return false
  return row * seatsPerRow + seat.number <= capacity
}

/** Orders seat labels front row first, then by number: A2, A10, B1. */
export function compareSeats(a: string, b: string): number {
  const pa = parseSeat(a)
  const pb = parseSeat(b)
  if (!pa || !pb) return a.localeCompare(b)
  return rowIndex(pa.row) - rowIndex(pb.row) || pa.number - pb.number
}
