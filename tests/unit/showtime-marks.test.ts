import { describe, expect, it } from 'vitest'
import { availabilityOf, priceRange } from '../../server/domain/catalog'
import { compileHall, rectangleLayout } from '#shared/layout'
import { formatMoneyRange } from '#shared/format'

// What a showtime's tile says: how full the screening is and what its seats cost.

describe('availabilityOf', () => {
  it('is sold out at no seat left', () => {
    expect(availabilityOf(0, 200)).toBe('sold-out')
    expect(availabilityOf(-1, 200)).toBe('sold-out')
  })

  it('is filling fast at 20% of the capacity left, when that is more than 10 seats', () => {
    expect(availabilityOf(40, 200)).toBe('filling-fast')
    expect(availabilityOf(41, 200)).toBe('available')
  })

  it('is filling fast at 10 seats left, when that is more than 20% of the capacity', () => {
    expect(availabilityOf(10, 28)).toBe('filling-fast')
    expect(availabilityOf(11, 28)).toBe('available')
    expect(availabilityOf(1, 28)).toBe('filling-fast')
  })

  it('never calls a small hall filling fast while more than half of it is free', () => {
    expect(availabilityOf(10, 10)).toBe('available')
    expect(availabilityOf(6, 10)).toBe('available')
    expect(availabilityOf(5, 10)).toBe('filling-fast')
    expect(availabilityOf(2, 4)).toBe('filling-fast')
  })
})

describe('priceRange', () => {
  const hall = compileHall({
    categories: [{ id: 'classic', name: 'Classic' }, { id: 'prime', name: 'Prime' }, { id: 'recliner', name: 'Recliner' }],
    rows: [
      { label: 'A', places: [{ seat: 1, category: 'classic' }] },
      { label: 'B', places: [{ seat: 1, category: 'prime' }] },
      { label: 'C', places: [{ seat: 1, category: 'recliner' }] },
    ],
  })

  it('spans the categories\' prices, the base price standing in for those not priced', () => {
    expect(priceRange(hall, 20_000, JSON.stringify({ recliner: 50_000 }))).toEqual({ min: 20_000, max: 50_000 })
    expect(priceRange(hall, 20_000, JSON.stringify({ classic: 15_000, prime: 30_000, recliner: 45_000 }))).toEqual({ min: 15_000, max: 45_000 })
  })

  it('is one price when every seat costs the same', () => {
    expect(priceRange(hall, 20_000, null)).toEqual({ min: 20_000, max: 20_000 })
    expect(priceRange(compileHall(rectangleLayout(40, 10)), 18_000, null)).toEqual({ min: 18_000, max: 18_000 })
  })
})

describe('formatMoneyRange', () => {
  it('writes whole amounts short, one price when both ends are equal', () => {
    expect(formatMoneyRange(18_000, 42_000, 'INR')).toBe('₹180–₹420')
    expect(formatMoneyRange(25_000, 25_000, 'INR')).toBe('₹250')
    expect(formatMoneyRange(1_20_000, 2_50_000, 'INR')).toBe('₹1,200–₹2,500')
  })

  it('keeps the minor units when an end has any', () => {
    expect(formatMoneyRange(17_950, 42_000, 'INR')).toBe('₹179.50–₹420.00')
  })

  it('follows a currency without minor units', () => {
    expect(formatMoneyRange(1500, 3000, 'JPY')).toBe('JP¥1,500–JP¥3,000')
  })
})
