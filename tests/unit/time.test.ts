import { describe, expect, it } from 'vitest'
import { datesBetween, isLocalDate, isLocalTime, rewriteInstants, timeZoneNames, utcToZonedLocal, weekdayOf, zonedLocalToUtc } from '#shared/time'

describe('zonedLocalToUtc', () => {
  it('reads a time in India, which has no daylight saving, 5½ hours ahead of UTC', () => {
    expect(zonedLocalToUtc('2026-12-01', '18:30', 'Asia/Kolkata')).toBe('2026-12-01T13:00:00.000Z')
    expect(zonedLocalToUtc('2026-07-01', '18:30', 'Asia/Kolkata')).toBe('2026-07-01T13:00:00.000Z')
  })

  it('crosses midnight backwards when the zone is ahead of UTC', () => {
    expect(zonedLocalToUtc('2026-12-01', '02:00', 'Asia/Kolkata')).toBe('2026-11-30T20:30:00.000Z')
  })

  it('crosses midnight forwards when the zone is behind UTC', () => {
    expect(zonedLocalToUtc('2026-12-31', '20:00', 'America/New_York')).toBe('2027-01-01T01:00:00.000Z')
  })

  it('uses GMT in London before the spring change and BST after it', () => {
    // Clocks go forward at 01:00 UTC on Sunday 29 March 2026.
    expect(zonedLocalToUtc('2026-03-28', '18:30', 'Europe/London')).toBe('2026-03-28T18:30:00.000Z')
    expect(zonedLocalToUtc('2026-03-29', '00:59', 'Europe/London')).toBe('2026-03-29T00:59:00.000Z')
    expect(zonedLocalToUtc('2026-03-29', '02:00', 'Europe/London')).toBe('2026-03-29T01:00:00.000Z')
    expect(zonedLocalToUtc('2026-03-29', '18:30', 'Europe/London')).toBe('2026-03-29T17:30:00.000Z')
  })

  it('uses BST in London before the autumn change and GMT after it', () => {
    // Clocks go back at 01:00 UTC on Sunday 25 October 2026.
    expect(zonedLocalToUtc('2026-10-24', '18:30', 'Europe/London')).toBe('2026-10-24T17:30:00.000Z')
    expect(zonedLocalToUtc('2026-10-25', '00:30', 'Europe/London')).toBe('2026-10-24T23:30:00.000Z')
    expect(zonedLocalToUtc('2026-10-25', '18:30', 'Europe/London')).toBe('2026-10-25T18:30:00.000Z')
  })

  it('moves a time the clocks skip forward by the gap (01:30 on the spring day is 02:30 BST)', () => {
    expect(zonedLocalToUtc('2026-03-29', '01:30', 'Europe/London')).toBe('2026-03-29T01:30:00.000Z')
    expect(utcToZonedLocal('2026-03-29T01:30:00.000Z', 'Europe/London')).toEqual({ date: '2026-03-29', time: '02:30' })
  })

  it('picks the first of the two moments when the clocks show a time twice (01:30 on the autumn day)', () => {
    expect(zonedLocalToUtc('2026-10-25', '01:30', 'Europe/London')).toBe('2026-10-25T00:30:00.000Z')
  })

  it('handles a southern-hemisphere zone whose summer is in December', () => {
    expect(zonedLocalToUtc('2026-12-01', '18:30', 'Australia/Sydney')).toBe('2026-12-01T07:30:00.000Z')
    expect(zonedLocalToUtc('2026-07-01', '18:30', 'Australia/Sydney')).toBe('2026-07-01T08:30:00.000Z')
  })

  it('accepts seconds and UTC itself', () => {
    expect(zonedLocalToUtc('2026-12-01', '18:30:15', 'UTC')).toBe('2026-12-01T18:30:15.000Z')
  })

  it('refuses malformed dates, impossible dates, malformed times and unknown zones', () => {
    expect(() => zonedLocalToUtc('2026-02-30', '18:30', 'Asia/Kolkata')).toThrow(RangeError)
    expect(() => zonedLocalToUtc('1/12/2026', '18:30', 'Asia/Kolkata')).toThrow(RangeError)
    expect(() => zonedLocalToUtc('', '18:30', 'Asia/Kolkata')).toThrow(RangeError)
    expect(() => zonedLocalToUtc('2026-12-01', '24:00', 'Asia/Kolkata')).toThrow(RangeError)
    expect(() => zonedLocalToUtc('2026-12-01', '6:30pm', 'Asia/Kolkata')).toThrow(RangeError)
    expect(() => zonedLocalToUtc('2026-12-01', '18:30', 'Mars/Olympus_Mons')).toThrow(/Unknown timezone/)
    expect(() => zonedLocalToUtc('2026-12-01', '18:30', '')).toThrow(RangeError)
  })
})

describe('utcToZonedLocal', () => {
  it('is the inverse of zonedLocalToUtc on ordinary days', () => {
    for (const tz of ['Asia/Kolkata', 'Europe/London', 'America/Los_Angeles', 'Australia/Sydney']) {
      for (const [date, time] of [['2026-03-28', '09:15'], ['2026-10-26', '23:45'], ['2026-12-01', '00:00']] as const)
        expect(utcToZonedLocal(zonedLocalToUtc(date, time, tz), tz)).toEqual({ date, time })
    }
  })

  it('refuses something that is not an instant', () => {
    expect(() => utcToZonedLocal('tomorrow', 'Asia/Kolkata')).toThrow(RangeError)
  })
})

describe('date helpers', () => {
  it('knows real dates and times from look-alikes', () => {
    expect(isLocalDate('2028-02-29')).toBe(true)
    expect(isLocalDate('2026-02-29')).toBe(false)
    expect(isLocalTime('23:59')).toBe(true)
    expect(isLocalTime('23:60')).toBe(false)
  })

  it('lists every date of a range, across a month end, both ends included', () => {
    expect(datesBetween('2026-11-29', '2026-12-02')).toEqual(['2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02'])
    expect(datesBetween('2026-12-02', '2026-12-01')).toEqual([])
  })

  it('names the weekday of a date (0 is Sunday)', () => {
    expect(weekdayOf('2026-11-29')).toBe(0)
    expect(weekdayOf('2026-12-05')).toBe(6)
  })
})

describe('timeZoneNames', () => {
  it('lists zones by their current names, as people search for them, with UTC', () => {
    const names = timeZoneNames()
    expect(names).toContain('Asia/Kolkata')
    expect(names).toContain('Europe/Kyiv')
    expect(names).toContain('Europe/London')
    expect(names).toContain('UTC')
    expect(names).not.toContain('Asia/Calcutta')
    expect(names).toEqual([...names].sort())
  })
})

describe('rewriteInstants', () => {
  it('rewrites the instants in a server message, leaving the rest alone', () => {
    const message = 'The venue is busy then: Night Train starts at 2026-11-28T13:00:00.000Z (screenings need 15 minutes between them)'
    expect(rewriteInstants(message, iso => utcToZonedLocal(iso, 'Asia/Kolkata').time))
      .toBe('The venue is busy then: Night Train starts at 18:30 (screenings need 15 minutes between them)')
    expect(rewriteInstants('No instant here: 2026-11-28', () => 'x')).toBe('No instant here: 2026-11-28')
  })
})
