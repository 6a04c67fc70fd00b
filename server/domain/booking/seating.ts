import { seatRows } from '#shared/seats'

interface Place { label: string, row: number, pos: number }

type Layout = { rows: Place[][], mid: number, centre: number, order: number[] }
const layouts = new Map<string, Layout>()

/** A venue layout, built once per shape (venues are few; a booking is on the hot path). */
function layout(capacity: number, seatsPerRow: number): Layout {
  const key = `${capacity}/${seatsPerRow}`
  let found = layouts.get(key)
  if (!found) {
    const rows = seatRows(capacity, seatsPerRow).map((r, row) => r.seats.map((label, pos) => Object.freeze({ label, row, pos })))
    const mid = (rows.length - 1) / 2
    // Rows nearest the middle of the house first; of two as near, the one further back.
    const order = rows.map((_, i) => i).sort((a, b) => Math.abs(a - mid) - Math.abs(b - mid) || b - a)
    found = { rows, mid, centre: (seatsPerRow - 1) / 2, order }
    if (layouts.size > 1000) layouts.clear()
    layouts.set(key, found)
  }
  return found
}

/**
 * The best `n` free seats: together in one row when any row has room, rows nearest the
 * middle of the house first and, within a row, the block nearest its centre; otherwise the
 * free seats nearest the middle. Null when fewer than `n` seats are free.
 */
export function bestSeats(capacity: number, seatsPerRow: number, taken: ReadonlySet<string>, n: number): string[] | null {
  const { rows, mid, centre, order } = layout(capacity, seatsPerRow)
  for (const i of order) {
    const row = rows[i]!
    let bestStart = -1
    let bestScore = Infinity
    // One pass along the row, counting the free seats in a run: a block of n ends at k
    // whenever the run is n long (no copies: this runs on every booking).
    let run = 0
    for (let k = 0; k < row.length; k++) {
      run = taken.has(row[k]!.label) ? 0 : run + 1
      if (run < n) continue
      const start = k - n + 1
      const score = Math.abs(start + (n - 1) / 2 - centre)
      if (score < bestScore) {
        bestStart = start
        bestScore = score
      }
    }
    if (bestStart >= 0) return row.slice(bestStart, bestStart + n).map(p => p.label)
  }
  const free = rows.flat().filter(p => !taken.has(p.label))
  if (free.length < n) return null
  free.sort((a, b) => (Math.abs(a.row - mid) * 2 + Math.abs(a.pos - centre)) - (Math.abs(b.row - mid) * 2 + Math.abs(b.pos - centre)))
  return free.slice(0, n).map(p => p.label)
}

/**
 * `n` more free seats to join seats already held: beside them in their row when possible,
 * otherwise as near to them as the house allows. Null when there are not enough.
 */
export function seatsNear(capacity: number, seatsPerRow: number, taken: ReadonlySet<string>, held: string[], n: number): string[] | null {
  const { rows } = layout(capacity, seatsPerRow)
  const all = rows.flat()
  const heldPlaces = all.filter(p => held.includes(p.label))
  if (!heldPlaces.length) return bestSeats(capacity, seatsPerRow, taken, n)
  const free = all.filter(p => !taken.has(p.label) && !held.includes(p.label))
  if (free.length < n) return null
  const chosen: Place[] = []
  for (let k = 0; k < n; k++) {
    // Greedy: each new seat next to the group as it grows, so a row fills outwards.
    const group = [...heldPlaces, ...chosen]
    let best: Place | undefined
    let bestD = Infinity
    for (const p of free) {
      if (chosen.includes(p)) continue
      const d = Math.min(...group.map(h => Math.abs(h.row - p.row) * seatsPerRow + Math.abs(h.pos - p.pos)))
      if (d < bestD) {
        best = p
        bestD = d
      }
    }
    chosen.push(best!)
  }
  return chosen.map(p => p.label)
}

/** Seats in reading order: by row (A, B, … AA), then by number. */
export function sortSeats(seats: string[]): string[] {
  const key = (s: string) => {
    const m = /^([A-Z]+)(\d+)$/.exec(s)!
    return [m[1]!.length, m[1]!, Number(m[2])] as const
  }
  return [...seats].sort((a, b) => {
    const [la, ra, na] = key(a)
    const [lb, rb, nb] = key(b)
    return la - lb || (ra < rb ? -1 : ra > rb ? 1 : 0) || na - nb
  })
}
