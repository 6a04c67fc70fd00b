import { describe, expect, it } from 'vitest'
import { PickRegistry } from '../../server/domain/booking/picks'

describe('PickRegistry (seats claimed by bookings in flight on this instance)', () => {
  it('keeps a picker off seats another booking is claiming, and frees them when that claim fails', () => {
    const picks = new PickRegistry()
    const mark = picks.mark()
    const settle = picks.claim(1, ['A1', 'A2'])
    expect([...picks.unavailable(1, mark)]).toEqual(['A1', 'A2'])
    expect(picks.unavailable(2, mark).size).toBe(0)
    settle(false)
    expect(picks.unavailable(1, picks.mark()).size).toBe(0)
  })

  it('shows a committed claim to reads begun before it committed, not to later ones', () => {
    const picks = new PickRegistry()
    const settle = picks.claim(1, ['B5'])
    const before = picks.mark()
    settle(true)
    const after = picks.mark()
    expect([...picks.unavailable(1, before)]).toEqual(['B5'])
    expect(picks.unavailable(1, after).size).toBe(0)
  })

  it('forgets committed claims after keepMs, and a claim that lost its seat to another leaves it alone', () => {
    let now = 0
    const picks = new PickRegistry(1000, () => now)
    const mark = picks.mark()
    const first = picks.claim(1, ['C1'])
    const second = picks.claim(1, ['C1']) // an exact-seats request for the same seat
    first(false) // not the owner any more: the second claim stays
    expect([...picks.unavailable(1, mark)]).toEqual(['C1'])
    second(true)
    expect([...picks.unavailable(1, mark)]).toEqual(['C1'])
    now = 1001
    expect(picks.unavailable(1, mark).size).toBe(0)
  })

  it('calls a screening contended for keepMs after one of its bookings lost a seat to another instance', () => {
    let now = 0
    const picks = new PickRegistry(1000, () => now)
    expect(picks.contended(7)).toBe(false)
    picks.clashed(7)
    expect(picks.contended(7)).toBe(true)
    expect(picks.contended(8)).toBe(false)
    now = 999
    expect(picks.contended(7)).toBe(true)
    now = 1000
    expect(picks.contended(7)).toBe(false)
  })
})
