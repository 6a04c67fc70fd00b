import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { createApprovedUser, useTestServer } from '../helpers/server'
import type { TestServer } from '../helpers/server'

// POST /api/admin/tasks/{name} runs a Nitro task; db:seed fills an EMPTY database with the
// demo catalogue, once.

interface Page<T> { items: T[], total: number, page: number, pageSize: number }
interface Venue { id: number, place: string, timezone: string }
interface Show { id: number, name: string, rating: number | null, tags: string[], posterUrl: string | null }
interface Screening { id: number, startsAt: string, show: { id: number }, venue: { id: number } }

let server: TestServer
let adminToken: string

useTestServer(ready => ({ server, adminToken } = ready))

const admin = <T>(method: string, path: string) => server.request<T>(method, path, { token: adminToken })

/** Every item of a paged collection. */
async function all<T>(path: string): Promise<T[]> {
  const items: T[] = []
  for (let page = 1; ; page++) {
    const res = await admin<Page<T>>('GET', `${path}${path.includes('?') ? '&' : '?'}pageSize=100&page=${page}`)
    expect(res.status).toBe(200)
    items.push(...res.body.items)
    if (items.length >= res.body.total || !res.body.items.length) return items
  }
}

async function catalogue() {
  return {
    venues: await all<Venue>('/api/venues'),
    shows: await all<Show>('/api/shows?all=true'),
    screenings: await all<Screening>('/api/screenings'),
  }
}

describe('POST /api/admin/tasks/db:seed', () => {
  it('answers 401 without a token and 403 to a user, and seeds nothing', async () => {
    expect((await server.request('POST', '/api/admin/tasks/db:seed')).status).toBe(401)
    const user = await createApprovedUser(server, adminToken)
    expect((await server.request('POST', '/api/admin/tasks/db:seed', { token: user.token })).status).toBe(403)
    expect(await catalogue()).toEqual({ venues: [], shows: [], screenings: [] })
  })

  it('fills an empty database: 8 venues in 4 cities, 30 shows with posters, screenings over the next 14 days', async () => {
    const started = Date.now()
    const res = await admin<{ result: { seeded: boolean, venues: number, shows: number, screenings: number } }>('POST', '/api/admin/tasks/db:seed')
    expect(res.status).toBe(200)
    expect(res.body.result).toMatchObject({ seeded: true, venues: 8, shows: 30, screenings: expect.any(Number) })

    const { venues, shows, screenings } = await catalogue()
    expect(venues).toHaveLength(8)
    expect(new Set(venues.map(v => v.place)).size).toBe(4)
    expect(shows).toHaveLength(30)
    expect(new Set(shows.map(s => s.name)).size).toBe(30)
    for (const show of shows) {
      expect(show.posterUrl).toMatch(/^\/posters\/\d+-[0-9a-f]{16}-600\.webp$/)
      expect(show.tags.length).toBeGreaterThan(0)
      expect(show.rating).toEqual(expect.any(Number))
    }
    expect(screenings.length).toBe(res.body.result.screenings)
    expect(screenings.length).toBeGreaterThan(8 * 4 * 12)
    for (const s of screenings) {
      const at = Date.parse(s.startsAt)
      expect(at).toBeGreaterThan(started - 60_000)
      expect(at).toBeLessThan(started + 15 * 86_400_000)
    }
    // Every venue has screenings, and the public pages see the catalogue.
    expect(new Set(screenings.map(s => s.venue.id)).size).toBe(8)
    const publicShows = await server.request<Page<Show>>('GET', '/api/shows')
    expect(publicShows.body.total).toBeGreaterThan(0)
    expect((await server.request<{ cities: string[] }>('GET', '/api/filters')).body.cities).toHaveLength(4)

    // The posters are real 600×900 WebP images.
    for (const show of shows.slice(0, 3)) {
      const poster = await fetch(server.url + show.posterUrl!)
      expect(poster.status).toBe(200)
      expect(await sharp(Buffer.from(await poster.arrayBuffer())).metadata()).toMatchObject({ format: 'webp', width: 600, height: 900 })
    }
  })

  it('changes nothing when run again', async () => {
    const before = await catalogue()
    const res = await admin<{ result: { seeded: boolean } }>('POST', '/api/admin/tasks/db:seed')
    expect(res.status).toBe(200)
    expect(res.body.result).toMatchObject({ seeded: false })
    expect(await catalogue()).toEqual(before)
  })
})

describe('POST /api/admin/tasks/{name}', () => {
  it('answers 404 for an unknown task', async () => {
    const res = await admin('POST', '/api/admin/tasks/nope:nope')
    expect(res.status).toBe(404)
    expect(res.body).toMatchObject({ statusCode: 404 })
  })

  it('answers 403 to a user for an unknown task too, revealing nothing', async () => {
    const user = await createApprovedUser(server, adminToken)
    expect((await server.request('POST', '/api/admin/tasks/nope:nope', { token: user.token })).status).toBe(403)
    expect((await server.request('POST', '/api/admin/tasks/nope:nope')).status).toBe(401)
  })
})
