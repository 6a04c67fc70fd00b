import { afterEach, describe, expect, it, vi } from 'vitest'
import { pgPoolOf } from '../../server/db'
import type { Db } from '../../server/db'
import { createRateLimits, RATE_LIMITS } from '../../server/utils/rate-limit'
import type { RateLimits } from '../../server/utils/rate-limit'
import { refusal, rejection, unique, useTestDb } from '../helpers/fixtures'

// The limits on the store the deployment would use: PostgreSQL's table when the tests run
// there, memory on SQLite (a single process). Time moves by the clock alone.

const MINUTE = 60_000
const t0 = new Date('2026-05-01T10:00:00.000Z')

let db: Db
useTestDb(made => (db = made))

function limits(factor = 1): RateLimits {
  const pool = pgPoolOf(db)
  return createRateLimits(pool ? { kind: 'postgres', pool } : { kind: 'memory' }, factor)
}

function at(ms: number) {
  vi.setSystemTime(new Date(t0.getTime() + ms))
}

afterEach(() => {
  vi.useRealTimers()
})

describe('the login throttle', () => {
  it('lets five attempts through and refuses the sixth until the window has passed, saying how long to wait', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const l = limits()
    const key = unique('throttle')
    for (let i = 0; i < RATE_LIMITS.login.points; i++) {
      at(i * MINUTE)
      await l.consume('login', key)
    }
    at(5 * MINUTE)
    // The window opened with the first attempt (t0) and closes at t0 + 15 min: 10 minutes on.
    expect(await rejection(l.consume('login', key))).toEqual({
      statusCode: 429,
      statusMessage: 'Too Many Requests',
      message: 'Too many failed logins; try again in 10 minutes',
      data: { retryAfter: 10 * 60 },
    })
    at(15 * MINUTE - 1000)
    expect((await rejection(l.consume('login', key))).data).toEqual({ retryAfter: 1 })
    at(15 * MINUTE + 1)
    await l.consume('login', key)
  })

  it('does not throttle five attempts spread over more than fifteen minutes', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const l = limits()
    const key = unique('slow')
    for (let i = 0; i < 6; i++) {
      at(i * 4 * MINUTE) // 0, 4, 8, 12, 16, 20 min
      await l.consume('login', key)
    }
  })

  it('counts per key: another username or address is not throttled', async () => {
    const l = limits()
    const name = unique('keyed')
    for (let i = 0; i < 5; i++) await l.consume('login', `${name}|127.0.0.1`)
    expect((await rejection(l.consume('login', `${name}|127.0.0.1`))).statusCode).toBe(429)
    await l.consume('login', `${name}|127.0.0.2`)
    await l.consume('login', `${name}x|127.0.0.1`)
  })

  it('starts over once reset by a successful login', async () => {
    const l = limits()
    const key = unique('cleared')
    for (let i = 0; i < 5; i++) await l.consume('login', key)
    await l.reset('login', key)
    for (let i = 0; i < 5; i++) await l.consume('login', key)
    expect((await rejection(l.consume('login', key))).statusCode).toBe(429)
  })

  it('lets exactly five of fifty simultaneous attempts through', async () => {
    const l = limits()
    const key = unique('race')
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => l.consume('login', key)))
    expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(5)
    for (const r of results.filter(r => r.status === 'rejected')) expect(refusal((r as PromiseRejectedResult).reason).statusCode).toBe(429)
  })

  it('is not scaled: the factor loosens the per-client limits only', async () => {
    const l = limits(100)
    const key = unique('unscaled')
    for (let i = 0; i < 5; i++) await l.consume('login', key)
    expect((await rejection(l.consume('login', key))).statusCode).toBe(429)
    for (let i = 0; i < RATE_LIMITS.register.points + 1; i++) await l.consume('register', key)
  })
})

describe('per-client limits', () => {
  it('refuses registrations past the hourly limit, and factor 0 turns them off', async () => {
    const l = limits()
    const ip = unique('10.0.')
    for (let i = 0; i < RATE_LIMITS.register.points; i++) await l.consume('register', ip)
    const refused = await rejection(l.consume('register', ip))
    expect(refused).toMatchObject({ statusCode: 429, message: expect.stringMatching(/^Too many registrations from your address; try again in \d+ minutes?$/) })
    const off = limits(0)
    for (let i = 0; i < RATE_LIMITS.register.points * 3; i++) await off.consume('register', ip)
  })

  it('says seconds for a short wait', async () => {
    const l = limits()
    const ip = unique('10.1.')
    for (let i = 0; i < RATE_LIMITS.browse.points; i++) await l.consume('browse', ip)
    expect((await rejection(l.consume('browse', ip))).message).toMatch(/^Too many requests; try again in \d+ seconds$/)
  })
})
