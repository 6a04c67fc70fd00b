import { describe, expect, it } from 'vitest'
import { parseSeat, rowIndex, rowLabel, seatExists, seatRows } from '#shared/seats'

describe('rowLabel', () => {
  it.each([
    [0, 'A'],
    [1, 'B'],
    [25, 'Z'],
    [26, 'AA'],
    [27, 'AB'],
    [51, 'AZ'],
    [52, 'BA'],
    [53, 'BB'],
    [77, 'BZ'],
    [78, 'CA'],
    [701, 'ZZ'],
    [702, 'AAA'],
    [703, 'AAB'],
  ])('labels row %i as %s', (index, label) => {
    expect(rowLabel(index)).toBe(label)
  })
})

describe('rowIndex', () => {
  it('is the inverse of rowLabel for every row up to ZZZ', () => {
    const last = rowIndex('ZZZ')
    expect(last).toBe(18_277) // 26 + 26² + 26³ - 1
    for (let i = 0; i <= last; i++) expect(rowIndex(rowLabel(i))).toBe(i)
  })

  it('gives every row a different label, in the order A, B, … Z, AA, AB, …', () => {
    const labels = Array.from({ length: 800 }, (_, i) => rowLabel(i))
    expect(new Set(labels).size).toBe(800)
    expect(labels.slice(24, 29)).toEqual(['Y', 'Z', 'AA', 'AB', 'AC'])
  })

  it.each(['', 'a', 'Aa', 'A1', '1', ' A', 'A ', 'AAAA', 'Ä', '-'])('answers -1 for %j, which is not a row label', (label) => {
    expect(rowIndex(label)).toBe(-1)
  })
})

describe('seatRows', () => {
  it('lays out 95 seats at 10 a row as rows A to J, the last one J1..J5', () => {
    const rows = seatRows(95, 10)
    expect(rows).toHaveLength(10)
    expect(rows.map(r => r.label)).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J'])
    expect(rows[0]!.seats).toEqual(['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7', 'A8', 'A9', 'A10'])
    for (const row of rows.slice(0, 9)) expect(row.seats).toHaveLength(10)
    expect(rows[9]!.seats).toEqual(['J1', 'J2', 'J3', 'J4', 'J5'])
    expect(rows.flatMap(r => r.seats)).toHaveLength(95)
  })

  it('fills every row when the capacity is a multiple of the row length', () => {
    const rows = seatRows(100, 10)
    expect(rows).toHaveLength(10)
    expect(rows[9]!.seats).toEqual(Array.from({ length: 10 }, (_, i) => `J${i + 1}`))
  })

  it('goes on with AA, AB, … after row Z', () => {
    const rows = seatRows(275, 10)
    expect(rows).toHaveLength(28)
    expect(rows.slice(25).map(r => r.label)).toEqual(['Z', 'AA', 'AB'])
    expect(rows[26]!.seats).toHaveLength(10)
    expect(rows[27]!.seats).toEqual(['AB1', 'AB2', 'AB3', 'AB4', 'AB5'])
  })

  it('handles a single seat, a single row and a single column', () => {
    expect(seatRows(1, 1)).toEqual([{ label: 'A', seats: ['A1'] }])
    expect(seatRows(7, 7)).toEqual([{ label: 'A', seats: ['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7'] }])
    expect(seatRows(3, 1)).toEqual([{ label: 'A', seats: ['A1'] }, { label: 'B', seats: ['B1'] }, { label: 'C', seats: ['C1'] }])
  })

  it('has exactly as many unique seats as the capacity, each of which exists', () => {
    for (const [capacity, perRow] of [[95, 10], [5000, 100], [333, 7], [61, 20]] as const) {
      const seats = seatRows(capacity, perRow).flatMap(r => r.seats)
      expect(seats).toHaveLength(capacity)
      expect(new Set(seats).size).toBe(capacity)
      for (const seat of seats) expect(seatExists(seat, capacity, perRow)).toBe(true)
    }
  })
})

describe('seatExists', () => {
  it.each([
    ['A1', 95, 10, true],
    ['A10', 95, 10, true],
    ['J5', 95, 10, true],
    ['I10', 95, 10, true],
    ['J6', 95, 10, false], // the last row is short
    ['J10', 95, 10, false],
    ['A11', 95, 10, false], // past the end of a row
    ['K1', 95, 10, false], // past the last row
    ['Z1', 95, 10, false],
    ['AA1', 95, 10, false],
    ['Z10', 260, 10, true],
    ['AA1', 260, 10, false],
    ['AA1', 261, 10, true],
    ['AA2', 261, 10, false],
    ['A1', 1, 1, true],
    ['A2', 1, 1, false],
    ['B1', 1, 1, false],
  ] as const)('%s in %i seats at %i a row: %s', (label, capacity, perRow, exists) => {
    expect(seatExists(label, capacity, perRow)).toBe(exists)
  })

  it.each(['a1', 'A0', 'A01', '1A', '', 'A', '7', 'A-1', 'A 1', ' A1', 'A1 ', 'A1.0'])('refuses %j, which is not a seat label', (label) => {
    expect(seatExists(label, 5000, 100)).toBe(false)
  })
})

describe('parseSeat', () => {
  it.each([
    ['A1', 'A', 1],
    ['C7', 'C', 7],
    ['J10', 'J', 10],
    ['AA1', 'AA', 1],
    ['AB12', 'AB', 12],
    ['ZZZ100', 'ZZZ', 100],
  ] as const)('splits %s into row %s and number %i', (label, row, number) => {
    expect(parseSeat(label)).toEqual({ row, number })
  })

  it.each(['c7', 'C0', 'C07', '7C', '', 'C', '7', 'c', 'C-7', 'C+7', 'C7 ', ' C7', 'C 7', 'C7.5', 'C1e2', 'AAAA1', 'C12345', 'Ç7', 'C٧', 'C7\n'])('refuses %j', (label) => {
    expect(parseSeat(label)).toBeNull()
  })
})
