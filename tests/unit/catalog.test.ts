import { describe, expect, it } from 'vitest'
import { rectangleLayout } from '#shared/layout'
import { createScreening, createShow, createVenue, defaultSeatsPerRow, deleteShow, deleteVenue, getScreening, getScreeningDetail, getShow, getShowDetail, getVenue, listCities, listScreenings, listShows, listTags, listVenues, normaliseTags, search, setPosterKey, TURNOVER_MINUTES, updateScreening, updateShow, updateVenue } from '../../server/domain/catalog'
import { cancelScreening } from '../../server/domain/booking'
import type { Db } from '../../server/db'
import { ShowCreateSchema, ShowListQuerySchema, ShowPatchSchema, VenuePatchSchema } from '#shared/schemas/catalog'
import type { ShowCreateInput, VenueCreateInput } from '#shared/schemas/catalog'
import { refusal, rejection, sellSeats, unique, useTestDb } from '../helpers/fixtures'

// Every domain function takes `now`, so these tests run at a fixed instant.
const NOW = new Date('2026-11-20T00:00:00.000Z')
const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/

/** The instant `ms` after NOW, as the ISO string the API takes. */
const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString()

let db: Db
useTestDb(made => (db = made))

function newVenue(over: Partial<VenueCreateInput> = {}, now = NOW) {
  return createVenue(db, { name: `Hall ${unique()}`, place: 'Testville', capacity: 100, seatsPerRow: 10, ...over }, 'Asia/Kolkata', now)
}

function newShow(over: Partial<ShowCreateInput> = {}, now = NOW) {
  return createShow(db, { name: `Show ${unique()}`, tags: [], ticketPrice: 25_000, durationMinutes: 100, ...over }, now)
}

function schedule(showId: number, venueId: number, startsAt: string, opts: { price?: number, now?: Date } = {}) {
  return createScreening(db, { showId, venueId, startsAt, price: opts.price }, opts.now ?? NOW)
}

/** A show with one upcoming screening at a venue of its own. */
async function scheduledShow(over: Partial<ShowCreateInput> = {}, startsAt = at(2 * DAY), venue?: VenueCreateInput) {
  const show = await newShow(over)
  const hall = await newVenue(venue)
  const screening = await schedule(show.id, hall.id, startsAt)
  return { show, venue: hall, screening }
}

function shows(query: Record<string, unknown>, opts: { isAdmin?: boolean, now?: Date } = {}) {
  return listShows(db, ShowListQuerySchema.parse(query), { now: NOW, ...opts })
}

const names = (page: { items: { name: string }[] }) => page.items.map(s => s.name)

describe('createVenue', () => {
  it('defaults the timezone to the configured one and picks a row length', async () => {
    const venue = await createVenue(db, { name: 'Grand Hall', place: 'Pune', capacity: 95 }, 'Asia/Kolkata', NOW)
    expect(venue).toEqual({
      id: expect.any(Number),
      name: 'Grand Hall',
      place: 'Pune',
      capacity: 95,
      seatsPerRow: 20,
      timezone: 'Asia/Kolkata',
      createdAt: NOW.toISOString(),
      layout: rectangleLayout(95, 20),
    })
    const berlin = await createVenue(db, { name: 'Kino', place: 'Berlin', capacity: 40 }, 'Europe/Berlin', NOW)
    expect(berlin).toMatchObject({ timezone: 'Europe/Berlin', seatsPerRow: 10 })
    expect(await getVenue(db, venue.id)).toEqual(venue)
  })

  it('keeps a timezone and row length that are given', async () => {
    const venue = await createVenue(db, { name: 'Met', place: 'New York', capacity: 95, seatsPerRow: 10, timezone: 'America/New_York' }, 'Asia/Kolkata', NOW)
    expect(venue).toMatchObject({ capacity: 95, seatsPerRow: 10, timezone: 'America/New_York' })
  })

  it.each([[1, 1], [8, 8], [10, 10], [60, 10], [61, 20], [95, 20], [5000, 20]])('gives %i seats rows of %i by default', (capacity, perRow) => {
    expect(defaultSeatsPerRow(capacity)).toBe(perRow)
  })

  it('refuses a row longer than the venue (400) and creates nothing', async () => {
    const name = `Tiny ${unique()}`
    const err = await rejection(createVenue(db, { name, place: 'Pune', capacity: 10, seatsPerRow: 11 }, 'Asia/Kolkata', NOW))
    expect(err.statusCode).toBe(400)
    expect(err.data).toMatchObject({ issues: [expect.objectContaining({ path: ['seatsPerRow'] })] })
    expect((await listVenues(db, { q: name, page: 1, pageSize: 20 })).total).toBe(0)
  })
})

describe('updateVenue', () => {
  it('changes the given fields only', async () => {
    const venue = await newVenue()
    const updated = await updateVenue(db, venue.id, { name: 'Renamed', timezone: 'Europe/London' }, NOW)
    expect(updated).toEqual({ ...venue, name: 'Renamed', timezone: 'Europe/London' })
    expect(await getVenue(db, venue.id)).toEqual(updated)
  })

  it('answers not-found for an unknown venue', async () => {
    expect((await rejection(updateVenue(db, 987_654, { name: 'x' }, NOW))).statusCode).toBe(404)
  })

  it('refuses (409) a layout that would drop a seat sold for an upcoming screening, and changes nothing', async () => {
    const venue = await newVenue({ capacity: 100, seatsPerRow: 10 })
    const show = await newShow()
    const screening = await schedule(show.id, venue.id, at(2 * DAY))
    await sellSeats(db, screening.id, ['A1', 'J10'])

    const shorter = await rejection(updateVenue(db, venue.id, { capacity: 99 }, NOW))
    expect(shorter.statusCode).toBe(409)
    expect(shorter.data).toMatchObject({ seats: ['J10'] })
    // Shorter rows: J10 no longer exists (rows of 9).
    expect(await rejection(updateVenue(db, venue.id, { seatsPerRow: 9 }, NOW))).toMatchObject({ statusCode: 409, data: { seats: ['J10'] } })
    // Longer rows renumber the hall: row J of 20 seats starts at seat 181, beyond 100.
    expect(await rejection(updateVenue(db, venue.id, { seatsPerRow: 20 }, NOW))).toMatchObject({ statusCode: 409, data: { seats: ['J10'] } })
    // Fewer seats than are sold.
    expect(await rejection(updateVenue(db, venue.id, { capacity: 1, seatsPerRow: 1 }, NOW))).toMatchObject({ statusCode: 409 })

    expect(await getVenue(db, venue.id)).toEqual(venue)
    expect(await getScreening(db, screening.id)).toMatchObject({ capacity: 100, seatsLeft: 98 })
  })

  it('allows a layout that keeps every sold seat; upcoming screenings follow the new capacity', async () => {
    const venue = await newVenue({ capacity: 100, seatsPerRow: 10 })
    const show = await newShow()
    const soon = await schedule(show.id, venue.id, at(2 * DAY))
    const later = await schedule(show.id, venue.id, at(5 * DAY))
    await sellSeats(db, soon.id, ['A1', 'B2'])

    const updated = await updateVenue(db, venue.id, { capacity: 50 }, NOW)
    expect(updated).toMatchObject({ capacity: 50, seatsPerRow: 10 })
    expect(await getScreening(db, soon.id)).toMatchObject({ capacity: 50, seatsLeft: 48 })
    expect(await getScreening(db, later.id)).toMatchObject({ capacity: 50, seatsLeft: 50 })
    const detail = (await getScreeningDetail(db, soon.id))!
    expect(detail.seats).toHaveLength(50)
    expect(detail.seats.at(-1)).toEqual({ label: 'E10', category: 'standard', taken: false, held: false })

    // And it can grow again.
    expect(await updateVenue(db, venue.id, { capacity: 120 }, NOW)).toMatchObject({ capacity: 120, seatsPerRow: 10 })
    expect(await getScreening(db, later.id)).toMatchObject({ capacity: 120, seatsLeft: 120 })
  })

  it('shortens the row when the capacity drops below it', async () => {
    const venue = await newVenue({ capacity: 100, seatsPerRow: 20 })
    expect(await updateVenue(db, venue.id, { capacity: 12 }, NOW)).toMatchObject({ capacity: 12, seatsPerRow: 12 })
    expect(await rejection(updateVenue(db, venue.id, { seatsPerRow: 13 }, NOW))).toMatchObject({ statusCode: 400 })
  })

  it('allows dropping a seat sold for a past screening, whose capacity stays as it was', async () => {
    const venue = await newVenue({ capacity: 100, seatsPerRow: 10 })
    const show = await newShow()
    const weekAgo = new Date(NOW.getTime() - 7 * DAY)
    const past = await schedule(show.id, venue.id, at(-6 * DAY), { now: weekAgo })
    await sellSeats(db, past.id, ['J10', 'H5'])
    const upcoming = await schedule(show.id, venue.id, at(3 * DAY))
    await sellSeats(db, upcoming.id, ['A1'])

    const updated = await updateVenue(db, venue.id, { capacity: 50 }, NOW)
    expect(updated).toMatchObject({ capacity: 50 })
    expect(await getScreening(db, past.id)).toMatchObject({ capacity: 100, seatsLeft: 98 })
    expect(await getScreening(db, upcoming.id)).toMatchObject({ capacity: 50, seatsLeft: 49 })
  })

  it('moves the calendar date of upcoming screenings with a new timezone', async () => {
    const t = unique()
    const { venue } = await scheduledShow({ name: `Late ${t}` }, '2026-12-01T20:00:00.000Z', { name: `Hall ${t}`, place: 'Pune', capacity: 50, timezone: 'Asia/Kolkata' })
    expect(names(await shows({ q: t, date: '2026-12-02' }))).toEqual([`Late ${t}`])
    await updateVenue(db, venue.id, { timezone: 'America/New_York' }, NOW)
    expect(names(await shows({ q: t, date: '2026-12-02' }))).toEqual([])
    expect(names(await shows({ q: t, date: '2026-12-01' }))).toEqual([`Late ${t}`])
  })
})

describe('createScreening', () => {
  it('copies the venue capacity and defaults the price to the show\'s ticket price', async () => {
    const venue = await newVenue({ capacity: 95, timezone: 'Europe/Paris' })
    const show = await newShow({ ticketPrice: 31_500, durationMinutes: 100 })
    const startsAt = at(2 * DAY)
    const screening = await schedule(show.id, venue.id, startsAt)
    expect(screening).toMatchObject({
      id: expect.any(Number),
      startsAt,
      price: 31_500,
      capacity: 95,
      seatsLeft: 95,
      show: { id: show.id, name: show.name, posterUrl: null },
      venue: { id: venue.id, name: venue.name, place: venue.place, timezone: 'Europe/Paris' },
    })
    expect(await getScreening(db, screening.id)).toEqual(screening)
  })

  it('keeps an explicit price, zero included', async () => {
    const venue = await newVenue()
    const show = await newShow({ ticketPrice: 31_500 })
    expect(await schedule(show.id, venue.id, at(2 * DAY), { price: 12_345 })).toMatchObject({ price: 12_345 })
    expect(await schedule(show.id, venue.id, at(3 * DAY), { price: 0 })).toMatchObject({ price: 0 })
  })

  it('stores the start as a UTC instant whatever offset it was given in', async () => {
    const venue = await newVenue()
    const show = await newShow()
    const screening = await schedule(show.id, venue.id, '2026-12-01T20:00:00+05:30')
    expect(screening.startsAt).toBe('2026-12-01T14:30:00.000Z')
  })

  it.each([
    ['a minute ago', -MINUTE],
    ['now', 0],
    ['last year', -365 * DAY],
  ])('refuses (400) a start %s', async (_, offset) => {
    const venue = await newVenue()
    const show = await newShow()
    const err = await rejection(schedule(show.id, venue.id, at(offset)))
    expect(err.statusCode).toBe(400)
    expect(err.data).toMatchObject({ issues: [expect.objectContaining({ path: ['startsAt'] })] })
    expect((await listScreenings(db, { venueId: venue.id, page: 1, pageSize: 20 })).total).toBe(0)
  })

  it('refuses (400) an unknown show or venue', async () => {
    const venue = await newVenue()
    const show = await newShow()
    expect(await rejection(schedule(987_654, venue.id, at(DAY)))).toMatchObject({ statusCode: 400, data: { issues: [expect.objectContaining({ path: ['showId'] })] } })
    expect(await rejection(schedule(show.id, 987_654, at(DAY)))).toMatchObject({ statusCode: 400, data: { issues: [expect.objectContaining({ path: ['venueId'] })] } })
  })

  it(`refuses (409) an overlap counting the duration plus ${TURNOVER_MINUTES} minutes of turnover; back to back is fine`, async () => {
    expect(TURNOVER_MINUTES).toBe(15)
    const venue = await newVenue()
    const show = await newShow({ durationMinutes: 100 })
    const t = NOW.getTime() + 3 * DAY
    const first = await schedule(show.id, venue.id, new Date(t).toISOString())

    // After it: the venue is free 100 + 15 minutes after the start.
    const oneEarly = await rejection(schedule(show.id, venue.id, new Date(t + 114 * MINUTE).toISOString()))
    expect(oneEarly.statusCode).toBe(409)
    expect(oneEarly.data).toMatchObject({ conflictingScreeningId: first.id })
    expect(await rejection(schedule(show.id, venue.id, new Date(t + 30 * MINUTE).toISOString()))).toMatchObject({ statusCode: 409 })
    expect(await rejection(schedule(show.id, venue.id, new Date(t).toISOString()))).toMatchObject({ statusCode: 409 })

    // Before it: a 100-minute show must start 115 minutes earlier.
    expect(await rejection(schedule(show.id, venue.id, new Date(t - 114 * MINUTE).toISOString()))).toMatchObject({ statusCode: 409, data: { conflictingScreeningId: first.id } })
    // A longer show around it.
    const long = await newShow({ durationMinutes: 300 })
    expect(await rejection(schedule(long.id, venue.id, new Date(t - 60 * MINUTE).toISOString()))).toMatchObject({ statusCode: 409 })

    const after = await schedule(show.id, venue.id, new Date(t + 115 * MINUTE).toISOString())
    const before = await schedule(show.id, venue.id, new Date(t - 115 * MINUTE).toISOString())
    expect([after.id, before.id]).not.toContain(first.id)
    expect((await listScreenings(db, { venueId: venue.id, page: 1, pageSize: 20 })).items.map(s => s.id)).toEqual([before.id, first.id, after.id])
  })

  it('counts the NEW show\'s duration before an existing screening', async () => {
    const venue = await newVenue()
    const feature = await newShow({ durationMinutes: 100 })
    const short = await newShow({ durationMinutes: 30 })
    const t = NOW.getTime() + 4 * DAY
    await schedule(feature.id, venue.id, new Date(t).toISOString())
    expect(await rejection(schedule(short.id, venue.id, new Date(t - 44 * MINUTE).toISOString()))).toMatchObject({ statusCode: 409 })
    expect(await schedule(short.id, venue.id, new Date(t - 45 * MINUTE).toISOString())).toMatchObject({ show: { id: short.id } })
  })

  it('lets exactly one of several simultaneous bookings of a slot win; the others are 409', async () => {
    const venue = await newVenue()
    const show = await newShow()
    const startsAt = at(6 * DAY)
    const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => schedule(show.id, venue.id, new Date(Date.parse(startsAt) + i * MINUTE).toISOString())))
    expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(1)
    for (const r of results.filter(r => r.status === 'rejected')) expect(refusal((r as PromiseRejectedResult).reason)).toMatchObject({ statusCode: 409 })
    expect((await listScreenings(db, { venueId: venue.id, page: 1, pageSize: 20 })).total).toBe(1)
  })

  it('allows the same time at another venue', async () => {
    const show = await newShow()
    const startsAt = at(2 * DAY)
    await schedule(show.id, (await newVenue()).id, startsAt)
    expect(await schedule(show.id, (await newVenue()).id, startsAt)).toMatchObject({ startsAt })
  })
})

describe('updateScreening', () => {
  it('moves and reprices under the same rules as creating', async () => {
    const venue = await newVenue()
    const show = await newShow({ durationMinutes: 100 })
    const t = NOW.getTime() + 3 * DAY
    const a = await schedule(show.id, venue.id, new Date(t).toISOString())
    const b = await schedule(show.id, venue.id, new Date(t + 4 * HOUR).toISOString())

    // Moving a screening over its own old slot is fine.
    expect(await updateScreening(db, a.id, { startsAt: new Date(t + 30 * MINUTE).toISOString(), price: 500 }, NOW))
      .toMatchObject({ startsAt: new Date(t + 30 * MINUTE).toISOString(), price: 500 })
    expect(await rejection(updateScreening(db, b.id, { startsAt: new Date(t + 144 * MINUTE).toISOString() }, NOW))).toMatchObject({ statusCode: 409, data: { conflictingScreeningId: a.id } })
    expect(await updateScreening(db, b.id, { startsAt: new Date(t + 145 * MINUTE).toISOString() }, NOW)).toMatchObject({ id: b.id })
    expect(await rejection(updateScreening(db, b.id, { startsAt: at(-MINUTE) }, NOW))).toMatchObject({ statusCode: 400 })
    expect((await rejection(updateScreening(db, 987_654, { price: 1 }, NOW))).statusCode).toBe(404)
  })

  it('refuses (400) to change a screening that has started', async () => {
    const venue = await newVenue()
    const show = await newShow()
    const screening = await schedule(show.id, venue.id, at(HOUR))
    expect(await rejection(updateScreening(db, screening.id, { price: 1 }, new Date(NOW.getTime() + 2 * HOUR)))).toMatchObject({ statusCode: 400 })
  })
})

describe('getScreeningDetail', () => {
  it('returns the seat map in order, with the sold seats taken', async () => {
    const { screening } = await scheduledShow({}, at(2 * DAY), { name: 'Small', place: 'Pune', capacity: 25, seatsPerRow: 10 })
    await sellSeats(db, screening.id, ['B3', 'C5'])
    const detail = (await getScreeningDetail(db, screening.id))!
    expect(detail).toMatchObject({ id: screening.id, capacity: 25, seatsLeft: 23 })
    const expected = [
      ...Array.from({ length: 10 }, (_, i) => `A${i + 1}`),
      ...Array.from({ length: 10 }, (_, i) => `B${i + 1}`),
      'C1', 'C2', 'C3', 'C4', 'C5',
    ]
    expect(detail.seats.map(s => s.label)).toEqual(expected)
    expect(detail.seats.filter(s => s.taken).map(s => s.label)).toEqual(['B3', 'C5'])
  })

  it('answers not-found for an unknown screening', async () => {
    expect((await rejection(getScreeningDetail(db, 987_654))).statusCode).toBe(404)
  })
})

describe('listShows', () => {
  it('matches the text in the name or the description, ignoring case', async () => {
    const t = unique()
    const quiet = `Quiet ${unique()}`
    await scheduledShow({ name: `The ${t.toUpperCase()} Affair` })
    await scheduledShow({ name: quiet, description: `A story about ${t} and friends` })
    await scheduledShow({ name: `Other ${unique()}`, description: 'Nothing to see' })
    const page = await shows({ q: t.slice(0, 3).toUpperCase() + t.slice(3) })
    expect(page.total).toBe(2)
    expect(names(page).sort()).toEqual([quiet, `The ${t.toUpperCase()} Affair`].sort())
  })

  it('keeps the text search in step when a show is renamed, and finds short text too', async () => {
    const t = unique()
    const { show } = await scheduledShow({ name: `Before ${t}`, description: 'Plain' })
    expect(names(await shows({ q: `before ${t}` }))).toEqual([`Before ${t}`])
    await updateShow(db, show.id, { name: `After ${t}`, description: `Now with ${t}xy` }, NOW)
    expect(names(await shows({ q: `before ${t}` }))).toEqual([])
    expect(names(await shows({ q: `after ${t}` }))).toEqual([`After ${t}`])
    expect(names(await shows({ q: `${t}XY` }))).toEqual([`After ${t}`])
    // Fewer than three characters: still a substring search.
    expect(names(await shows({ q: 'aft' })).length).toBeGreaterThan(0)
    expect((await shows({ q: 'fT' })).items.map(i => i.name)).toContain(`After ${t}`)
  })

  it('treats % and _ in the text literally', async () => {
    const t = unique()
    await scheduledShow({ name: `${t} 100% Live` })
    await scheduledShow({ name: `${t} 1000 Live` })
    await scheduledShow({ name: `${t} a_b` })
    await scheduledShow({ name: `${t} axb` })
    await scheduledShow({ name: `${t} wow!` })
    expect(names(await shows({ q: `${t} 100%` }))).toEqual([`${t} 100% Live`])
    expect(names(await shows({ q: `${t} a_b` }))).toEqual([`${t} a_b`])
    expect(names(await shows({ q: `${t} wow!` }))).toEqual([`${t} wow!`])
    expect(names(await shows({ q: `${t}%live` }))).toEqual([])
    expect(names(await shows({ q: '%%%%' }))).toEqual([])
  })

  it('filters by tag, whatever its case', async () => {
    const t = unique()
    await scheduledShow({ name: `Tagged ${t}`, tags: [`Noir-${t}`, 'drama'] })
    await scheduledShow({ name: `Untagged ${t}`, tags: ['drama'] })
    expect(names(await shows({ tag: `NOIR-${t.toUpperCase()}` }))).toEqual([`Tagged ${t}`])
    expect(names(await shows({ tag: ` noir-${t} ` }))).toEqual([`Tagged ${t}`])
    expect(names(await shows({ q: t, tag: 'drama' })).sort()).toEqual([`Tagged ${t}`, `Untagged ${t}`])
  })

  it('filters by city, ignoring case, counting only upcoming screenings there', async () => {
    const t = unique()
    const city = `Lonavala${t}`
    const here = await scheduledShow({ name: `Here ${t}` }, at(2 * DAY), { name: 'Hill Hall', place: city, capacity: 50 })
    await scheduledShow({ name: `Elsewhere ${t}` }, at(2 * DAY), { name: 'Other Hall', place: `Khandala${t}`, capacity: 50 })
    // A show that was on in the city but now plays only elsewhere.
    const gone = await newShow({ name: `Gone ${t}` })
    await schedule(gone.id, here.venue.id, at(-DAY), { now: new Date(NOW.getTime() - 2 * DAY) })
    await schedule(gone.id, (await newVenue({ place: `Khandala${t}` })).id, at(DAY))

    expect(names(await shows({ city: city.toUpperCase() }))).toEqual([`Here ${t}`])
    expect(names(await shows({ city: `  ${city.toLowerCase()} ` }))).toEqual([`Here ${t}`])
    expect(names(await shows({ city: `Lonavala` }))).toEqual([])
  })

  it('filters by date in the VENUE\'s timezone', async () => {
    const t = unique()
    // 20:00 UTC on 1 December is 01:30 on 2 December in Kolkata.
    await scheduledShow({ name: `Kolkata ${t}` }, '2026-12-01T20:00:00.000Z', { name: 'K', place: 'Kolkata', capacity: 50, timezone: 'Asia/Kolkata' })
    // 03:00 UTC on 2 December is 22:00 on 1 December in New York.
    await scheduledShow({ name: `New York ${t}` }, '2026-12-02T03:00:00.000Z', { name: 'NY', place: 'New York', capacity: 50, timezone: 'America/New_York' })
    expect(names(await shows({ q: t, date: '2026-12-02' }))).toEqual([`Kolkata ${t}`])
    expect(names(await shows({ q: t, date: '2026-12-01' }))).toEqual([`New York ${t}`])
    expect(names(await shows({ q: t, date: '2026-12-03' }))).toEqual([])
  })

  it('keeps shows rated at least minRating (unrated shows are left out)', async () => {
    const t = unique()
    for (const [label, rating] of [['low', 7.2], ['edge', 7.3], ['top', 10], ['zero', 0], ['none', null]] as const)
      await scheduledShow({ name: `${label} ${t}`, rating })
    expect(names(await shows({ q: t, minRating: '7.3' })).sort()).toEqual([`edge ${t}`, `top ${t}`])
    expect(names(await shows({ q: t, minRating: '10' }))).toEqual([`top ${t}`])
    expect(names(await shows({ q: t, minRating: '0' })).sort()).toEqual([`edge ${t}`, `low ${t}`, `top ${t}`, `zero ${t}`])
    expect((await shows({ q: t })).total).toBe(5)
  })

  it('lists only shows with an upcoming screening, unless an admin asks for all', async () => {
    const t = unique()
    const venue = await newVenue()
    const past = await newShow({ name: `past ${t}` })
    await schedule(past.id, venue.id, at(-DAY), { now: new Date(NOW.getTime() - 2 * DAY) })
    const none = await newShow({ name: `unscheduled ${t}` })
    const upcoming = await newShow({ name: `upcoming ${t}` })
    await schedule(upcoming.id, venue.id, at(DAY))
    const cancelled = await newShow({ name: `cancelled ${t}` })
    const gone = await schedule(cancelled.id, venue.id, at(2 * DAY))
    await sellSeats(db, gone.id, ['A1'])
    await cancelScreening(db, gone.id, NOW)

    expect(names(await shows({ q: t }))).toEqual([`upcoming ${t}`])
    expect(names(await shows({ q: t }, { isAdmin: true }))).toEqual([`upcoming ${t}`])
    expect(names(await shows({ q: t, all: 'true' }))).toEqual([`upcoming ${t}`])
    const all = await shows({ q: t, all: 'true' }, { isAdmin: true })
    expect(all.total).toBe(4)
    // Newest first (same creation instant: highest id first).
    expect(all.items.map(s => s.id)).toEqual([cancelled.id, upcoming.id, none.id, past.id])
    expect(all.items.find(s => s.id === none.id)!.nextScreening).toBeNull()
    expect(all.items.find(s => s.id === past.id)!.nextScreening).toBeNull()
  })

  it('orders by next showtime and reports that screening', async () => {
    const t = unique()
    const venue = await newVenue({ name: `Hall ${t}`, place: 'Pune' })
    const later = await newShow({ name: `later ${t}` })
    const sooner = await newShow({ name: `sooner ${t}` })
    await schedule(later.id, venue.id, at(-DAY), { now: new Date(NOW.getTime() - 2 * DAY) })
    const next = await schedule(later.id, venue.id, at(3 * DAY))
    await schedule(later.id, venue.id, at(5 * DAY))
    await schedule(sooner.id, venue.id, at(2 * DAY))
    const page = await shows({ q: t })
    expect(names(page)).toEqual([`sooner ${t}`, `later ${t}`])
    expect(page.items[1]!.nextScreening).toEqual({ id: next.id, startsAt: at(3 * DAY), venue: { id: venue.id, name: `Hall ${t}`, place: 'Pune', timezone: 'Asia/Kolkata' } })
  })

  it('moves a show\'s next showtime on as screenings start, move and are cancelled', async () => {
    const t = unique()
    const venue = await newVenue()
    const show = await newShow({ name: `moving ${t}` })
    const other = await newShow({ name: `steady ${t}` })
    const first = await schedule(show.id, venue.id, at(HOUR))
    const second = await schedule(show.id, venue.id, at(3 * DAY))
    await schedule(other.id, venue.id, at(2 * DAY))
    const next = async (now = NOW) => (await shows({ q: t }, { now })).items.map(s => [s.name, s.nextScreening?.id])

    expect(await next()).toEqual([[`moving ${t}`, first.id], [`steady ${t}`, expect.any(Number)]])
    // Once the first has started, the second is next, and the order follows it.
    expect(await next(new Date(NOW.getTime() + 2 * HOUR))).toEqual([[`steady ${t}`, expect.any(Number)], [`moving ${t}`, second.id]])
    // Moving the second screening earlier brings the show back to the front.
    await updateScreening(db, second.id, { startsAt: at(4 * HOUR) }, new Date(NOW.getTime() + 2 * HOUR))
    expect(await next(new Date(NOW.getTime() + 2 * HOUR))).toEqual([[`moving ${t}`, second.id], [`steady ${t}`, expect.any(Number)]])
    // Cancelling it leaves the show with nothing upcoming: it drops out, but admins still see it.
    await cancelScreening(db, second.id, new Date(NOW.getTime() + 2 * HOUR))
    expect(await next(new Date(NOW.getTime() + 2 * HOUR))).toEqual([[`steady ${t}`, expect.any(Number)]])
    const all = await shows({ q: t, all: 'true' }, { isAdmin: true, now: new Date(NOW.getTime() + 2 * HOUR) })
    expect(all.items.find(s => s.id === show.id)!.nextScreening).toBeNull()
    // A new screening puts it back.
    const third = await schedule(show.id, venue.id, at(5 * DAY), { now: new Date(NOW.getTime() + 2 * HOUR) })
    expect(await next(new Date(NOW.getTime() + 2 * HOUR))).toEqual([[`steady ${t}`, expect.any(Number)], [`moving ${t}`, third.id]])
  })

  it('pages with a total', async () => {
    const t = unique()
    const venue = await newVenue()
    for (let i = 0; i < 5; i++) {
      const show = await newShow({ name: `p${i} ${t}`, tags: [t] })
      await schedule(show.id, venue.id, at(DAY + i * 4 * HOUR))
    }
    const page1 = await shows({ tag: t, pageSize: '2' })
    expect(page1).toMatchObject({ total: 5, page: 1, pageSize: 2 })
    expect(names(page1)).toEqual([`p0 ${t}`, `p1 ${t}`])
    expect(names(await shows({ tag: t, pageSize: '2', page: '2' }))).toEqual([`p2 ${t}`, `p3 ${t}`])
    const page3 = await shows({ tag: t, pageSize: '2', page: '3' })
    expect(page3).toMatchObject({ total: 5, page: 3, pageSize: 2 })
    expect(names(page3)).toEqual([`p4 ${t}`])
    expect(await shows({ tag: t, pageSize: '2', page: '4' })).toMatchObject({ items: [], total: 5, page: 4 })
    // The same totals through the city and the admin's "all" paths.
    expect(await shows({ tag: t, city: 'testville', pageSize: '2', page: '2' })).toMatchObject({ total: 5 })
    expect(await shows({ tag: t, all: 'true', pageSize: '2', page: '3' }, { isAdmin: true })).toMatchObject({ total: 5 })
    expect(await shows({ tag: `${t}-none` })).toMatchObject({ items: [], total: 0 })
  })
})

describe('tags', () => {
  it('are trimmed, lower-cased and deduplicated, in show_tags', async () => {
    expect(normaliseTags(['  Drama ', 'drama', 'COMEDY', 'Comedy ', ' ', 'Sci-Fi'])).toEqual(['drama', 'comedy', 'sci-fi'])
    const show = await newShow({ tags: ['  Drama ', 'drama', 'COMEDY', 'Comedy '] })
    expect(show.tags).toEqual(['comedy', 'drama'])
    expect((await getShow(db, show.id))!.tags).toEqual(['comedy', 'drama'])
    const rows = await db.selectFrom('show_tags').select('tag').where('show_id', '=', show.id).orderBy('tag').execute()
    expect(rows.map(r => r.tag)).toEqual(['comedy', 'drama'])
  })

  it('are normalised by the request schema too', () => {
    const input = ShowCreateSchema.parse({ name: ' Film ', tags: [' Drama', 'DRAMA '], ticketPrice: 100 })
    expect(input).toMatchObject({ name: 'Film', tags: ['drama', 'drama'] })
    expect(ShowCreateSchema.safeParse({ name: 'Film', tags: ['  '], ticketPrice: 100 }).success).toBe(false)
  })

  it('are replaced by an update that gives them, and kept by one that does not', async () => {
    const show = await newShow({ tags: ['drama', 'comedy'] })
    expect((await updateShow(db, show.id, { tags: ['Thriller', ' thriller '] }))!.tags).toEqual(['thriller'])
    expect((await updateShow(db, show.id, ShowPatchSchema.parse({ name: 'Renamed' })))).toMatchObject({ name: 'Renamed', tags: ['thriller'] })
    expect((await updateShow(db, show.id, { tags: [] }))!.tags).toEqual([])
    expect(await db.selectFrom('show_tags').select('tag').where('show_id', '=', show.id).execute()).toEqual([])
  })

  it('are counted for the filters', async () => {
    const t = unique()
    await newShow({ tags: [t] })
    await newShow({ tags: [t, 'drama'] })
    expect(await listTags(db)).toContainEqual({ tag: t, count: 2 })
  })
})

describe('patch schemas', () => {
  it('give only the fields that were sent', () => {
    expect(ShowPatchSchema.parse({ name: 'Renamed' })).toEqual({ name: 'Renamed' })
    expect(ShowPatchSchema.parse({ rating: null })).toEqual({ rating: null })
    expect(VenuePatchSchema.parse({ capacity: 10 })).toEqual({ capacity: 10 })
  })

  it('refuse an empty change', () => {
    expect(ShowPatchSchema.safeParse({}).success).toBe(false)
    expect(VenuePatchSchema.safeParse({}).success).toBe(false)
  })
})

describe('updateShow', () => {
  it('changes the given fields, clears the rating with null, and answers not-found for an unknown show', async () => {
    const show = await newShow({ rating: 7.5, description: 'Old' })
    const updated = await updateShow(db, show.id, { description: 'New', ticketPrice: 99, durationMinutes: 90 })
    expect(updated).toEqual({ ...show, description: 'New', ticketPrice: 99, durationMinutes: 90 })
    expect(await updateShow(db, show.id, { rating: null })).toMatchObject({ rating: null, description: 'New' })
    expect((await rejection(updateShow(db, 987_654, { name: 'x' }))).statusCode).toBe(404)
  })
})

describe('a show\'s duration', () => {
  it('sets when its screenings end (the turnover is the venue\'s, not the show\'s)', async () => {
    const { show, screening } = await scheduledShow({ durationMinutes: 100 })
    expect(screening.endsAt).toBe(new Date(Date.parse(screening.startsAt) + 100 * MINUTE).toISOString())
    await updateShow(db, show.id, { durationMinutes: 90 }, NOW)
    expect((await getScreening(db, screening.id))!.endsAt).toBe(new Date(Date.parse(screening.startsAt) + 90 * MINUTE).toISOString())
  })

  it('cannot grow into the next screening at a venue (409); shrinking frees the slot after it', async () => {
    const venue = await newVenue()
    const feature = await newShow({ durationMinutes: 100 })
    const next = await newShow({ durationMinutes: 60 })
    const t = NOW.getTime() + 3 * DAY
    const first = await schedule(feature.id, venue.id, new Date(t).toISOString())
    const second = await schedule(next.id, venue.id, new Date(t + 115 * MINUTE).toISOString())

    const err = await rejection(updateShow(db, feature.id, { durationMinutes: 101, name: 'Longer cut' }, NOW))
    expect(err.statusCode).toBe(409)
    expect(err.data).toMatchObject({ screeningId: first.id, conflictingScreeningId: second.id })
    // Nothing changed: not the name, not the duration, and the slot rules still hold.
    expect(await getShow(db, feature.id)).toMatchObject({ name: feature.name, durationMinutes: 100 })
    expect(await rejection(schedule(next.id, venue.id, new Date(t + 105 * MINUTE).toISOString()))).toMatchObject({ statusCode: 409 })

    // Shorter: the venue is free 30 + 15 minutes after the start, so a 15-minute short fits then.
    expect(await updateShow(db, feature.id, { durationMinutes: 30 }, NOW)).toMatchObject({ durationMinutes: 30 })
    const short = await newShow({ durationMinutes: 15 })
    expect(await rejection(schedule(short.id, venue.id, new Date(t + 44 * MINUTE).toISOString()))).toMatchObject({ statusCode: 409 })
    expect(await schedule(short.id, venue.id, new Date(t + 45 * MINUTE).toISOString())).toMatchObject({ show: { id: short.id } })
    // And the short, ending with its turnover at 45 + 30 = 75 minutes, cannot grow past the second screening.
    expect(await rejection(updateShow(db, short.id, { durationMinutes: 56 }, NOW))).toMatchObject({ statusCode: 409 })
    expect(await updateShow(db, short.id, { durationMinutes: 55 }, NOW)).toMatchObject({ durationMinutes: 55 })
  })

  it('leaves screenings that have started alone', async () => {
    const venue = await newVenue()
    const show = await newShow({ durationMinutes: 100 })
    const other = await newShow({ durationMinutes: 100 })
    const earlier = new Date(NOW.getTime() - 2 * DAY)
    const past = await schedule(show.id, venue.id, at(-DAY), { now: earlier })
    await schedule(other.id, venue.id, at(-DAY + 115 * MINUTE), { now: earlier })
    expect(await updateShow(db, show.id, { durationMinutes: 200 }, NOW)).toMatchObject({ durationMinutes: 200 })
    const row = await db.selectFrom('screenings').select('ends_at').where('id', '=', past.id).executeTakeFirstOrThrow()
    expect(row.ends_at).toBe(at(-DAY + 115 * MINUTE))
  })
})

describe('deleteShow and deleteVenue', () => {
  it('refuse (409) while a confirmed booking exists for an upcoming screening', async () => {
    const { show, venue, screening } = await scheduledShow()
    await sellSeats(db, screening.id, ['A1', 'A2'])
    expect(await rejection(deleteShow(db, show.id))).toMatchObject({ statusCode: 409, data: { bookings: 1 } })
    expect(await rejection(deleteVenue(db, venue.id))).toMatchObject({ statusCode: 409, data: { bookings: 1 } })
    expect(await getShow(db, show.id)).toBeDefined()
    expect(await getVenue(db, venue.id)).toBeDefined()
    expect(await getScreening(db, screening.id)).toMatchObject({ seatsLeft: 98 })
  })

  it('refuse (409) while a confirmed booking exists for a PAST screening', async () => {
    const show = await newShow()
    const venue = await newVenue()
    const past = await schedule(show.id, venue.id, at(-DAY), { now: new Date(NOW.getTime() - 2 * DAY) })
    await sellSeats(db, past.id, ['C3'])
    expect(await rejection(deleteShow(db, show.id))).toMatchObject({ statusCode: 409 })
    expect(await rejection(deleteVenue(db, venue.id))).toMatchObject({ statusCode: 409 })
  })

  it('delete a show with its screenings, tags and cancelled bookings, and return its poster key', async () => {
    const { show, venue, screening } = await scheduledShow({ tags: ['drama'] })
    const other = await schedule(show.id, venue.id, at(5 * DAY))
    await sellSeats(db, other.id, ['A1'], 'cancelled')
    await setPosterKey(db, show.id, `${show.id}-0123456789abcdef`)
    expect(await deleteShow(db, show.id)).toEqual({ posterKey: `${show.id}-0123456789abcdef` })
    expect((await rejection(getShow(db, show.id))).statusCode).toBe(404)
    expect((await rejection(getScreening(db, screening.id))).statusCode).toBe(404)
    expect(await db.selectFrom('screenings').select('id').where('show_id', '=', show.id).execute()).toEqual([])
    expect(await db.selectFrom('show_tags').select('tag').where('show_id', '=', show.id).execute()).toEqual([])
    expect(await db.selectFrom('bookings').select('id').where('screening_id', 'in', [screening.id, other.id]).execute()).toEqual([])
    // The venue is still there, and free again.
    expect(await getVenue(db, venue.id)).toBeDefined()
    expect((await rejection(deleteShow(db, show.id))).statusCode).toBe(404)
  })

  it('delete a venue with its screenings, leaving the shows', async () => {
    const { show, venue, screening } = await scheduledShow()
    await sellSeats(db, screening.id, ['A1'], 'cancelled')
    await deleteVenue(db, venue.id)
    expect((await rejection(getVenue(db, venue.id))).statusCode).toBe(404)
    expect(await db.selectFrom('screenings').select('id').where('venue_id', '=', venue.id).execute()).toEqual([])
    expect(await getShow(db, show.id)).toBeDefined()
    expect((await rejection(deleteVenue(db, venue.id))).statusCode).toBe(404)
  })
})

describe('cancelScreening', () => {
  it('cancels every confirmed booking, frees the seats and keeps the history', async () => {
    const { show, venue, screening } = await scheduledShow()
    const a = await sellSeats(db, screening.id, ['A1', 'A2'])
    const b = await sellSeats(db, screening.id, ['J10'])
    const earlier = await sellSeats(db, screening.id, ['B1'], 'cancelled')
    const when = new Date(NOW.getTime() + HOUR)

    const cancelled = await cancelScreening(db, screening.id, when)
    expect(cancelled!.sort((x, y) => x.id - y.id)).toEqual([
      { id: a.id, userId: a.userId, reference: a.reference },
      { id: b.id, userId: b.userId, reference: b.reference },
    ])
    const bookings = await db.selectFrom('bookings').select(['id', 'status', 'updated_at']).where('screening_id', '=', screening.id).orderBy('id').execute()
    expect(bookings).toEqual([
      { id: a.id, status: 'cancelled', updated_at: when.toISOString() },
      { id: b.id, status: 'cancelled', updated_at: when.toISOString() },
      { id: earlier.id, status: 'cancelled', updated_at: expect.stringMatching(ISO) },
    ])
    expect(await db.selectFrom('booking_seats').select('seat').where('screening_id', '=', screening.id).execute()).toEqual([])
    const row = await db.selectFrom('screenings').select(['seats_sold', 'cancelled_at']).where('id', '=', screening.id).executeTakeFirstOrThrow()
    expect(row).toEqual({ seats_sold: 0, cancelled_at: when.toISOString() })

    // Gone from every public view, and the slot is free again.
    expect((await rejection(getScreening(db, screening.id))).statusCode).toBe(404)
    expect((await getShowDetail(db, show.id, NOW))!.screenings).toEqual([])
    expect((await listScreenings(db, { venueId: venue.id, page: 1, pageSize: 20 })).total).toBe(0)
    const again = await schedule(show.id, venue.id, screening.startsAt)
    await sellSeats(db, again.id, ['A1'])
    expect(await getScreening(db, again.id)).toMatchObject({ seatsLeft: 99 })

    // Cancelling twice finds nothing to cancel.
    expect((await rejection(cancelScreening(db, screening.id, when))).statusCode).toBe(404)
  })

  it('deletes a screening that has no bookings', async () => {
    const { screening } = await scheduledShow()
    expect(await cancelScreening(db, screening.id, NOW)).toEqual([])
    expect(await db.selectFrom('screenings').select('id').where('id', '=', screening.id).execute()).toEqual([])
    expect((await rejection(cancelScreening(db, 987_654, NOW))).statusCode).toBe(404)
  })
})

describe('getShowDetail', () => {
  it('lists upcoming screenings soonest first with seats left', async () => {
    const show = await newShow()
    const v1 = await newVenue({ name: 'One', place: 'Pune', capacity: 30 })
    const v2 = await newVenue({ name: 'Two', place: 'Goa', capacity: 40, timezone: 'Asia/Kolkata' })
    await schedule(show.id, v1.id, at(-DAY), { now: new Date(NOW.getTime() - 2 * DAY) })
    const late = await schedule(show.id, v1.id, at(4 * DAY), { price: 700 })
    const soon = await schedule(show.id, v2.id, at(2 * DAY))
    await sellSeats(db, late.id, ['A1', 'A2', 'A3'])
    const detail = (await getShowDetail(db, show.id, NOW))!
    expect(detail).toMatchObject({ id: show.id, name: show.name, tags: show.tags })
    expect(detail.screenings).toEqual([
      { id: soon.id, startsAt: at(2 * DAY), price: show.ticketPrice, priceRange: { min: show.ticketPrice, max: show.ticketPrice }, seatsLeft: 40, availability: 'available', venue: { id: v2.id, name: 'Two', place: 'Goa', timezone: 'Asia/Kolkata' } },
      { id: late.id, startsAt: at(4 * DAY), price: 700, priceRange: { min: 700, max: 700 }, seatsLeft: 27, availability: 'available', venue: { id: v1.id, name: 'One', place: 'Pune', timezone: 'Asia/Kolkata' } },
    ])
    expect((await rejection(getShowDetail(db, 987_654, NOW))).statusCode).toBe(404)
  })
})

describe('listVenues, listCities and search', () => {
  it('find venues by name or place and filter by city, ignoring case', async () => {
    const t = unique()
    const a = await newVenue({ name: `Odeon ${t}`, place: 'Mumbai' })
    const b = await newVenue({ name: 'Roxy', place: `Pune${t}` })
    const byText = await listVenues(db, { q: t.toUpperCase(), page: 1, pageSize: 20 })
    expect(byText).toMatchObject({ total: 2, page: 1, pageSize: 20 })
    expect(byText.items.map(v => v.id).sort()).toEqual([a.id, b.id].sort())
    expect((await listVenues(db, { city: `PUNE${t.toUpperCase()}`, page: 1, pageSize: 20 })).items.map(v => v.id)).toEqual([b.id])
    expect(await listCities(db)).toContain(`Pune${t}`)
  })

  it('list each city once, whatever the case it was typed in', async () => {
    const t = unique()
    await newVenue({ place: `Goa${t}` })
    await newVenue({ place: `GOA${t.toUpperCase()}` })
    await newVenue({ place: `goa${t}` })
    const cities = (await listCities(db)).filter(c => c.toLowerCase() === `goa${t}`)
    expect(cities).toHaveLength(1)
  })

  it('searches upcoming shows and venues; an empty text finds nothing', async () => {
    const t = unique()
    const { show, venue } = await scheduledShow({ name: `Found ${t}` }, at(2 * DAY), { name: `Venue ${t}`, place: 'Pune', capacity: 10 })
    const hidden = await newShow({ name: `Unscheduled ${t}` })
    const result = await search(db, t, NOW)
    expect(result.shows.map(s => s.id)).toEqual([show.id])
    expect(result.shows.map(s => s.id)).not.toContain(hidden.id)
    // A list shows venues without their layouts.
    const { layout: _, ...listed } = venue
    expect(result.venues).toEqual([listed])
    expect(await search(db, '', NOW)).toEqual({ shows: [], venues: [] })
  })
})
