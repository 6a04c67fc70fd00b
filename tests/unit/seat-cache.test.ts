import { describe, expect, it } from 'vitest'
import { SeatCache } from '../../server/domain/booking'

describe('SeatCache', () => {
  it('answers only for the version it was given', () => {
    const cache = new SeatCache()
    cache.set(7, 3, new Set(['A1', 'A2']))
    expect(cache.get(7, 3)).toEqual(new Set(['A1', 'A2']))
    expect(cache.get(7, 4)).toBeUndefined()
    // A mismatch drops the entry: the old version is not answered either afterwards.
    expect(cache.get(7, 3)).toBeUndefined()
    expect(cache.get(8, 0)).toBeUndefined()
  })

  it('forgets a screening on request', () => {
    const cache = new SeatCache()
    cache.set(1, 1, new Set(['B4']))
    cache.forget(1)
    expect(cache.get(1, 1)).toBeUndefined()
  })

  it('keeps the most recently used screenings when full', () => {
    const cache = new SeatCache(2)
    cache.set(1, 1, new Set(['A1']))
    cache.set(2, 1, new Set(['A1']))
    expect(cache.get(1, 1)).toBeDefined() // 1 is now the most recent
    cache.set(3, 1, new Set(['A1'])) // evicts 2
    expect(cache.get(2, 1)).toBeUndefined()
    expect(cache.get(1, 1)).toBeDefined()
    expect(cache.get(3, 1)).toBeDefined()
  })
})
