import { describe, expect, it } from 'vitest'
import { fitsMinorUnits, toMajorUnits, toMinorUnits } from '#shared/money'

describe('toMinorUnits', () => {
  it('turns 250.00 rupees into 25000 paise', () => {
    expect(toMinorUnits(250, 2)).toBe(25000)
  })

  it('does not lose a paisa to floating point (19.99 -> 1999, 0.29 -> 29)', () => {
    expect(toMinorUnits(19.99, 2)).toBe(1999)
    expect(toMinorUnits(0.29, 2)).toBe(29)
  })

  it('leaves a currency without minor units alone (JPY)', () => {
    expect(toMinorUnits(1500, 0)).toBe(1500)
  })
})

describe('toMajorUnits', () => {
  it('is the inverse of toMinorUnits', () => {
    expect(toMajorUnits(25000, 2)).toBe(250)
    expect(toMajorUnits(1999, 2)).toBe(19.99)
  })
})

describe('fitsMinorUnits', () => {
  it('accepts two decimals for INR and refuses three', () => {
    expect(fitsMinorUnits(19.99, 2)).toBe(true)
    expect(fitsMinorUnits(0.1 + 0.2, 2)).toBe(true)
    expect(fitsMinorUnits(19.999, 2)).toBe(false)
  })
})
