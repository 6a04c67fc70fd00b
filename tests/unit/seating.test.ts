import { describe, expect, it } from 'vitest'
import { bestSeats, seatsNear, sortSeats } from '../../server/domain/booking'
import { seatExists, seatRows } from '#shared/seats'
import { bestBlock, bestSplit, seatRange } from '#shared/seating'
import { compileHall, rectangleLayout } from '#shared/layout'
import type { HallLayout, LayoutPlace } from '#shared/layout'

/** The hall capacity and seats per row make. */
const rect = (capacity: number, seatsPerRow: number) => compileHall(rectangleLayout(capacity, seatsPerRow))

/** Every seat of a layout, as labels. */
function allSeats(capacity: number, seatsPerRow: number): string[] {
  return seatRows(capacity, seatsPerRow).flatMap(r => r.seats)
}

const rowOf = (seat: string) => /^[A-Z]+/.exec(seat)![0]
const numberOf = (seat: string) => Number(/\d+$/.exec(seat)![0])

/** True when the seats are side by side in one row. */
function together(seats: string[]): boolean {
  if (new Set(seats.map(rowOf)).size !== 1) return false
  const numbers = seats.map(numberOf).sort((a, b) => a - b)
  return numbers.every((n, i) => i === 0 || n === numbers[i - 1]! + 1)
}

describe('bestSeats', () => {
  // 50 seats, 10 a row: rows A–E, C is the middle row, seats 5 and 6 the middle of a row.
  it('puts a group together in the middle row, centred, in an empty house', () => {
    expect(bestSeats(rect(50, 10), new Set(), 2)).toEqual(['C5', 'C6'])
    expect(bestSeats(rect(50, 10), new Set(), 4)).toEqual(['C4', 'C5', 'C6', 'C7'])
    const three = bestSeats(rect(50, 10), new Set(), 3)!
    expect(together(three)).toBe(true)
    expect(three.every(s => rowOf(s) === 'C')).toBe(true)
    // Three seats in a row of ten cannot sit dead centre: off by half a seat at most.
    const centre = three.map(numberOf).reduce((a, b) => a + b) / 3
    expect(Math.abs(centre - 5.5)).toBeLessThanOrEqual(0.5)
  })

  it('passes over `skip` rows with room (the next best rows, centred), and gives the best when fewer have room', () => {
    // Rows nearest the middle first: C, then D (further back), then B.
    expect(bestSeats(rect(50, 10), new Set(), 2, undefined, 1)).toEqual(['D5', 'D6'])
    expect(bestSeats(rect(50, 10), new Set(), 2, undefined, 2)).toEqual(['B5', 'B6'])
    const full = new Set(allSeats(50, 10).filter(s => !s.startsWith('A')))
    expect(bestSeats(rect(50, 10), full, 2, undefined, 3)).toEqual(['A5', 'A6'])
  })

  it('stays in the middle row, as near its centre as the free seats allow', () => {
    expect(bestSeats(rect(50, 10), new Set(['C5']), 2)).toEqual(['C6', 'C7'])
    // Both ends of the row are as far from its centre: either will do, but still row C.
    expect([['C1', 'C2', 'C3'], ['C8', 'C9', 'C10']]).toContainEqual(bestSeats(rect(50, 10), new Set(['C4', 'C5', 'C6', 'C7']), 3))
  })

  it('moves to the next row out from the middle when the middle row has no room together', () => {
    const taken = new Set(['C3', 'C6', 'C9'])
    const seats = bestSeats(rect(50, 10), taken, 3)!
    expect(together(seats)).toBe(true)
    expect(['B', 'D']).toContain(rowOf(seats[0]!))
    expect(seats.map(numberOf)).toEqual([4, 5, 6])

    // Middle three rows full: the outer rows are next.
    const full = new Set(allSeats(50, 10).filter(s => ['B', 'C', 'D'].includes(rowOf(s))))
    const outer = bestSeats(rect(50, 10), full, 2)!
    expect(['A', 'E']).toContain(rowOf(outer[0]!))
    expect(outer.map(numberOf)).toEqual([5, 6])
  })

  it('falls back to scattered seats nearest the middle when no row has room for the group', () => {
    // 20 seats, 5 a row (A–D): with every seat 3 taken, no row has three free side by side.
    const taken = new Set(['A3', 'B3', 'C3', 'D3'])
    const seats = bestSeats(rect(20, 5), taken, 3)!
    expect(seats).toHaveLength(3)
    expect(new Set(seats).size).toBe(3)
    expect(seats.some(s => taken.has(s))).toBe(false)
    // The free seats nearest the middle of the house: rows B and C, next to the centre.
    for (const s of seats) expect(['B2', 'B4', 'C2', 'C4']).toContain(s)
  })

  it('answers null when fewer seats are free than asked for, and the last free ones when exactly enough', () => {
    const every = allSeats(20, 5)
    const taken = new Set(every.slice(0, 15))
    expect(bestSeats(rect(20, 5), taken, 6)).toBeNull()
    expect(sortSeats(bestSeats(rect(20, 5), taken, 5)!)).toEqual(every.slice(15))
    expect(bestSeats(rect(20, 5), new Set(every), 1)).toBeNull()
  })

  it('never offers a seat the layout does not have when the last row is shorter', () => {
    // 23 seats, 10 a row: A1–A10, B1–B10, C1–C3.
    const taken = new Set(allSeats(23, 10).filter(s => rowOf(s) !== 'C'))
    expect(bestSeats(rect(23, 10), taken, 3)).toEqual(['C1', 'C2', 'C3'])
    expect(bestSeats(rect(23, 10), taken, 4)).toBeNull()
    for (let n = 1; n <= 10; n++) {
      for (const seat of bestSeats(rect(23, 10), new Set(), n)!) expect(seatExists(seat, 23, 10)).toBe(true)
    }
  })

  it('never hands out a taken seat, whatever is taken', () => {
    const every = allSeats(50, 10)
    const taken = new Set(every.filter((_, i) => i % 3 === 0))
    for (let n = 1; n <= 10; n++) {
      const seats = bestSeats(rect(50, 10), taken, n)!
      expect(seats).toHaveLength(n)
      expect(new Set(seats).size).toBe(n)
      expect(seats.filter(s => taken.has(s))).toEqual([])
    }
  })
})

describe('seatsNear', () => {
  it('extends a held block sideways in its own row first', () => {
    const one = seatsNear(rect(50, 10), new Set(), ['C5', 'C6'], 1)!
    expect(['C4', 'C7']).toContain(one[0])
    const two = seatsNear(rect(50, 10), new Set(), ['C5', 'C6'], 2)!
    expect(two).toHaveLength(2)
    expect(together(['C5', 'C6', ...two])).toBe(true)
  })

  it('goes round seats that are taken, still in the same row when it has room', () => {
    const more = seatsNear(rect(50, 10), new Set(['C4']), ['C5', 'C6'], 2)!
    expect(sortSeats(more)).toEqual(['C7', 'C8'])
  })

  it('goes to the neighbouring rows, close to the block, when its row is full', () => {
    const taken = new Set(allSeats(50, 10).filter(s => rowOf(s) === 'C' && !['C5', 'C6'].includes(s)))
    const more = seatsNear(rect(50, 10), taken, ['C5', 'C6'], 1)!
    expect(['B5', 'B6', 'D5', 'D6']).toContain(more[0])
  })

  it('picks the best seats when nothing is held yet, and null when there are not enough', () => {
    expect(seatsNear(rect(50, 10), new Set(), [], 2)).toEqual(bestSeats(rect(50, 10), new Set(), 2))
    const taken = new Set(allSeats(20, 5).filter(s => s !== 'D5' && s !== 'A1'))
    expect(seatsNear(rect(20, 5), taken, ['A1'], 1)).toEqual(['D5'])
    expect(seatsNear(rect(20, 5), taken, ['A1'], 2)).toBeNull()
  })
})

describe('seats in a hall with aisles and categories', () => {
  // Rows A–E; each: seats 1–3, an aisle, seats 4–9, an aisle, seats 10–12. Rows D and E
  // are Prime, the rest Classic; E1 is a wheelchair space with E2 its companion seat.
  const row = (label: string, category: string): { label: string, places: LayoutPlace[] } => ({
    label,
    places: [
      ...[1, 2, 3].map(seat => ({ seat, category })),
      { gap: true as const },
      ...[4, 5, 6, 7, 8, 9].map(seat => ({ seat, category })),
      { gap: true as const },
      ...[10, 11, 12].map(seat => ({ seat, category })),
    ],
  })
  const layout: HallLayout = {
    categories: [{ id: 'classic', name: 'Classic' }, { id: 'prime', name: 'Prime' }],
    rows: [row('A', 'classic'), row('B', 'classic'), row('C', 'classic'), row('D', 'prime'), row('E', 'prime')],
  }
  layout.rows[4]!.places[0] = { seat: 1, category: 'prime', access: 'wheelchair' }
  layout.rows[4]!.places[1] = { seat: 2, category: 'prime', access: 'companion' }
  const hall = compileHall(layout)

  it('counts its seats and keeps each one\'s category and access', () => {
    expect(hall.capacity).toBe(60)
    expect(hall.seatsPerRow).toBe(12)
    expect(hall.seats.get('E1')).toMatchObject({ category: 'prime', access: 'wheelchair' })
    expect(hall.seats.get('C4')).toMatchObject({ category: 'classic', x: 4 })
  })

  it('never seats a party across an aisle', () => {
    // Row C's middle block is six wide; seven together fit in no block of any row.
    expect(bestSeats(hall, new Set(), 6)).toEqual(['C4', 'C5', 'C6', 'C7', 'C8', 'C9'])
    const seven = bestSeats(hall, new Set(), 7)!
    expect(seven).toHaveLength(7)
    expect(new Set(seven.map(rowOf)).size).toBeGreaterThan(1)
    // With C's middle block broken up, a pair goes beside the aisle rather than over it.
    const taken = new Set(['C5', 'C8'])
    expect(bestSeats(hall, taken, 2)).toEqual(['C6', 'C7'])
    // Three no longer fit in C's middle block, but do in a side block of the same row.
    expect([['C1', 'C2', 'C3'], ['C10', 'C11', 'C12']]).toContainEqual(bestSeats(hall, new Set([...taken, 'C6']), 3))
  })

  it('keeps a party in the category asked for', () => {
    const four = bestSeats(hall, new Set(), 4, 'prime')!
    expect(four.map(rowOf).every(r => r === 'D' || r === 'E')).toBe(true)
    expect(together(four)).toBe(true)
    // Prime has 24 seats: 25 cannot be had in it, though the hall has room.
    expect(bestSeats(hall, new Set(), 25, 'prime')).toBeNull()
    expect(bestSeats(hall, new Set(), 4, 'classic')!.every(s => ['A', 'B', 'C'].includes(rowOf(s)))).toBe(true)
  })

  it('adds seats to a booking in its own category while it has room', () => {
    const more = seatsNear(hall, new Set(), ['C6', 'C7'], 2)!
    expect(more.every(s => hall.seats.get(s)!.category === 'classic')).toBe(true)
    // The aisle counts as a place: across it, in the same row, is nearer than a row away.
    const taken = new Set(['C4', 'C5', 'C6', 'C7'])
    expect(seatsNear(hall, taken, ['C8', 'C9'], 1)).toEqual(['C10'])
  })
})

describe('bestBlock and bestSplit (the screening page\'s "How many seats?")', () => {
  const row = (label: string, category: string): { label: string, places: LayoutPlace[] } => ({
    label,
    places: [...[1, 2, 3].map(seat => ({ seat, category })), { gap: true as const }, ...[4, 5, 6, 7].map(seat => ({ seat, category }))],
  })
  // Rows A–D: seats 1–3, an aisle, seats 4–7; A and B Classic, C and D Prime.
  const hall = compileHall({
    categories: [{ id: 'classic', name: 'Classic' }, { id: 'prime', name: 'Prime' }],
    rows: [row('A', 'classic'), row('B', 'classic'), row('C', 'prime'), row('D', 'prime')],
  })

  it('is what bestSeats answers when a party fits together, and null when it does not', () => {
    expect(bestBlock(hall, new Set(), 4, 'prime')).toEqual(bestSeats(hall, new Set(), 4, 'prime'))
    expect(bestBlock(hall, new Set(['C5', 'D5']), 4, 'prime')).toBeNull()
    expect(bestBlock(hall, new Set(), 5)).toBeNull()
  })

  it('splits a party into as few blocks as the category allows, biggest first, never across an aisle or out of it', () => {
    // C and D have their four-seat blocks broken up: the best is three and one.
    const taken = new Set(['C5', 'D7'])
    const blocks = bestSplit(hall, taken, 4, 'prime')!
    expect(blocks.map(b => b.length)).toEqual([3, 1])
    for (const b of blocks) {
      expect(together(b)).toBe(true)
      expect(b.every(s => hall.seats.get(s)!.category === 'prime' && !taken.has(s))).toBe(true)
    }
    expect(new Set(blocks.flat()).size).toBe(4)
    // Prime has 14 seats: 15 cannot be had, however they are split.
    expect(bestSplit(hall, new Set(), 15, 'prime')).toBeNull()
    expect(bestSplit(hall, new Set(), 14, 'prime')!.flat()).toHaveLength(14)
  })

  it('names a block as a range', () => {
    expect(seatRange(['C10', 'C7', 'C8', 'C9'])).toBe('C7–C10')
    expect(seatRange(['D4'])).toBe('D4')
  })
})

describe('sortSeats', () => {
  it('orders seats by row (A … Z, then AA) and then by number, not as text', () => {
    expect(sortSeats(['AA1', 'B1', 'A10', 'A2'])).toEqual(['A2', 'A10', 'B1', 'AA1'])
    expect(sortSeats(['Z3', 'AB1', 'AA12', 'AA2', 'A1'])).toEqual(['A1', 'Z3', 'AA2', 'AA12', 'AB1'])
  })

  it('does not change the list it is given', () => {
    const seats = ['B1', 'A1']
    sortSeats(seats)
    expect(seats).toEqual(['B1', 'A1'])
  })
})
