import type { Hall, HallSeat } from './layout'

// Choosing seats for a party, the same in the browser (the screening page's "How many
// seats?" suggestion) and on the server (POST /api/bookings with a quantity).

interface Order { mid: number, centre: number, order: number[] }

/** The seats not to be had: any set of labels, or a view over several. */
export type Unavailable = Pick<ReadonlySet<string>, 'has'>
const orders = new WeakMap<Hall, Order>()

/** Rows nearest the middle of the house first; of two as near, the one further back. */
function orderOf(hall: Hall): Order {
  let found = orders.get(hall)
  if (!found) {
    const mid = (hall.rows.length - 1) / 2
    const order = hall.rows.map((_, i) => i).sort((a, b) => Math.abs(a - mid) - Math.abs(b - mid) || b - a)
    found = { mid, centre: (hall.width - 1) / 2, order }
    orders.set(hall, found)
  }
  return found
}

/**
 * The best `n` free seats side by side (of `category` when given): in one row, in one
 * category, with no aisle between them, rows nearest the middle of the house first and,
 * within a row, the block nearest the hall's centre line. Null when no row has room.
 * `skip` passes over that many rows with room first (the best block when fewer have room):
 * a booking that lost its seats to a rival picking from the same read tries elsewhere.
 */
export function bestBlock(hall: Hall, taken: Unavailable, n: number, category?: string, skip = 0): string[] | null {
  const { centre, order } = orderOf(hall)
  let first: string[] | null = null
  const fits = (p: HallSeat) => !taken.has(p.label) && (!category || p.category === category)
  for (const i of order) {
    const row = hall.rows[i]!
    let bestStart = -1
    let bestScore = Infinity
    // One pass along the row, counting the free seats in a run of neighbours of one
    // category: a block of n ends at k whenever the run is n long (this runs on every booking).
    let run = 0
    for (let k = 0; k < row.length; k++) {
      const p = row[k]!
      const prev = row[k - 1]
      const joins = prev !== undefined && prev.x === p.x - 1 && prev.category === p.category
      run = !fits(p) ? 0 : joins ? run + 1 : 1
      if (run < n) continue
      const start = k - n + 1
      const score = Math.abs((row[start]!.x + p.x) / 2 - centre)
      if (score < bestScore) {
        bestStart = start
        bestScore = score
      }
    }
    if (bestStart < 0) continue
    const block = row.slice(bestStart, bestStart + n).map(p => p.label)
    if (skip-- <= 0) return block
    first ??= block
  }
  return first
}

/**
 * The best `n` free seats (of `category` when given): side by side in one row, in one
 * category, with no aisle between them, when any row has room (`bestBlock`); otherwise the
 * free seats nearest the middle. Null when fewer than `n` such seats are free. `skip`: as
 * for bestBlock.
 */
export function bestSeats(hall: Hall, taken: Unavailable, n: number, category?: string, skip = 0): string[] | null {
  const block = bestBlock(hall, taken, n, category, skip)
  if (block) return block
  const { mid, centre } = orderOf(hall)
  const free = hall.rows.flat().filter(p => !taken.has(p.label) && (!category || p.category === category))
  if (free.length < n) return null
  free.sort((a, b) => (Math.abs(a.row - mid) * 2 + Math.abs(a.x - centre)) - (Math.abs(b.row - mid) * 2 + Math.abs(b.x - centre)))
  return free.slice(0, n).map(p => p.label)
}

/**
 * `n` free seats (of `category` when given) in as few blocks as the house allows, when no
 * row has them all side by side: the biggest block first, each the best of its size
 * (`bestBlock`), so four may sit as three and one, or two and two. The blocks, biggest
 * first; null when fewer than `n` such seats are free.
 */
export function bestSplit(hall: Hall, taken: ReadonlySet<string>, n: number, category?: string): string[][] | null {
  const blocked = new Set(taken)
  const blocks: string[][] = []
  let left = n
  let size = n
  while (left > 0 && size > 0) {
    const block = bestBlock(hall, blocked, Math.min(size, left), category)
    if (!block) {
      size = Math.min(size, left) - 1
      continue
    }
    blocks.push(block)
    for (const label of block) blocked.add(label)
    left -= block.length
  }
  return left > 0 ? null : blocks
}

/** Seats side by side in one row as a range, "C7–C10"; one seat as its label. */
export function seatRange(block: string[]): string {
  const sorted = sortSeats(block)
  return sorted.length > 1 ? `${sorted[0]}–${sorted.at(-1)}` : sorted[0] ?? ''
}

/**
 * `n` more free seats to join seats already held: beside them in their row when possible,
 * in their category when it has room, otherwise as near to them as the house allows. Null
 * when there are not enough.
 */
export function seatsNear(hall: Hall, taken: ReadonlySet<string>, held: string[], n: number): string[] | null {
  const heldPlaces = held.map(l => hall.seats.get(l)).filter((p): p is HallSeat => !!p)
  if (!heldPlaces.length) return bestSeats(hall, taken, n)
  const all = hall.rows.flat()
  const isFree = (p: HallSeat) => !taken.has(p.label) && !held.includes(p.label)
  const sameCategory = all.filter(p => isFree(p) && p.category === heldPlaces[0]!.category)
  const free = sameCategory.length >= n ? sameCategory : all.filter(isFree)
  if (free.length < n) return null
  const chosen: HallSeat[] = []
  for (let k = 0; k < n; k++) {
    // Greedy: each new seat next to the group as it grows, so a row fills outwards.
    const group = [...heldPlaces, ...chosen]
    let best: HallSeat | undefined
    let bestD = Infinity
    for (const p of free) {
      if (chosen.includes(p)) continue
      const d = Math.min(...group.map(h => Math.abs(h.row - p.row) * hall.width + Math.abs(h.x - p.x)))
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
