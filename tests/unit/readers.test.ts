import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import SQLite from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { migrateToLatest, openDb, readersOf } from '../../server/db'
import type { Db } from '../../server/db'
import { sqliteDriverPath } from '../../server/db/checkpointer'
import { ReaderPool, ReadersUnavailable } from '../../server/db/readers'
import type { ListingJob } from '../../server/db/readers'
import { cancelScreening } from '../../server/domain/booking'
import { createScreening, createShow, createVenue, deleteShow, listShows, updateScreening, updateShow } from '../../server/domain/catalog'
import { dbReaders } from '../../server/utils/db'
import { ShowListQuerySchema } from '#shared/schemas/catalog'
import type { Screening, Show, Venue } from '#shared/types/api'

// The reader threads (server/db/readers.ts): worker threads with read-only connections to
// the SQLite file that the catalogue's listings are read on. What they answer must be what
// the main connection answers, at once after any write and as time passes; they must end
// with the database and hand reads back to the main connection when they are gone.

const driver = sqliteDriverPath()!

/** Threads of this process (Linux), or undefined elsewhere. */
function threads(): number | undefined {
  if (!existsSync('/proc/self/status')) return undefined
  return Number(/^Threads:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1])
}

async function until(check: () => boolean, ms = 3000) {
  const end = Date.now() + ms
  while (!check() && Date.now() < end) await new Promise(r => setTimeout(r, 20))
}

describe('NUXT_DB_READERS', () => {
  it('defaults to one thread per core, at most 4; takes a number, 0 for none; none off a Node server', () => {
    expect(dbReaders('auto', 'node-server')).toBe(Math.min(availableParallelism(), 4))
    expect(dbReaders('', 'node-cluster')).toBe(Math.min(availableParallelism(), 4))
    expect(dbReaders(3, 'node-server')).toBe(3)
    expect(dbReaders('2', 'nitro-dev')).toBe(2)
    expect(dbReaders(0, 'node-server')).toBe(0)
    expect(dbReaders(1000, 'node-server')).toBe(16)
    expect(dbReaders('many', 'node-server')).toBe(0)
    expect(dbReaders('auto', 'vercel')).toBe(0)
    expect(dbReaders(4, 'aws-lambda')).toBe(0)
  })
})

describe('ReaderPool on a WAL file', () => {
  let dir: string
  let writer: SQLite.Database
  let pool: ReaderPool
  const insert = (id: number, at: string) => writer.prepare('insert into t (id, at) values (?, ?)').run(id, at)

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ticketshow-readers-'))
    writer = new SQLite(join(dir, 'db.sqlite'))
    writer.pragma('journal_mode = WAL')
    writer.exec('create table t (id integer primary key, at text)')
    pool = new ReaderPool(join(dir, 'db.sqlite'), driver, 2)
  })
  afterAll(async () => {
    await pool.close()
    writer.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const count = async () => (await pool.all<{ n: number }>({ sql: 'select count(*) as n from t', parameters: [] }))[0]!.n

  it('reads, on every thread, what was committed just before', async () => {
    for (let i = 1; i <= 100; i++) {
      insert(i, `2030-01-01T00:00:${String(i % 60).padStart(2, '0')}.000Z`)
      // Four at once: both threads answer.
      expect(await Promise.all([count(), count(), count(), count()])).toEqual([i, i, i, i])
    }
  })

  const job = (over: Partial<ListingJob> = {}): ListingJob => ({
    key: 'upcoming',
    list: { sql: 'select id, at from t where at > ? order by at, id', parameters: ['2030-01-01T00:00:30.000Z'] },
    until: { sql: 'select at from t where id = ?', parameters: [null], first: 0 },
    now: '2030-01-01T00:00:30.000Z',
    offset: 0,
    limit: 5,
    page: [{ sql: 'select id, at from t where id in (select value from json_each(?)) order by id desc', parameters: [null], ids: 0 }],
    ...over,
  })

  it('pages a list with its total and runs the page queries on the page\'s ids', async () => {
    const all = writer.prepare('select id from t where at > ? order by at, id').pluck().all('2030-01-01T00:00:30.000Z') as number[]
    for (const offset of [0, 5, all.length - 2, all.length + 10]) {
      const { total, ids, results } = await pool.listing(job({ offset }))
      expect(total).toBe(all.length)
      expect(ids).toEqual(all.slice(offset, offset + 5))
      expect(results[0]!.map(r => r.id)).toEqual([...ids].sort((a, b) => b - a))
    }
  })

  it('keeps a list under its key until a write commits or its earliest instant comes', async () => {
    const first = await pool.listing(job())
    // The same key with a list query that would now find nothing: the kept list answers.
    const gone = { sql: 'select id, at from t where 0 order by at', parameters: [] }
    expect(await pool.listing(job({ list: gone }))).toEqual(first)
    // Its earliest instant has come: read again.
    const earliest = writer.prepare('select min(at) from t where at > ?').pluck().get('2030-01-01T00:00:30.000Z') as string
    expect((await pool.listing(job({ list: gone, now: earliest }))).total).toBe(0)
    // A commit, even one the list would not see, drops every kept list.
    const kept = await pool.listing(job({ key: 'other' }))
    expect(kept.total).toBe(first.total)
    insert(1000, '2029-01-01T00:00:00.000Z')
    expect((await pool.listing(job({ key: 'other', list: gone }))).total).toBe(0)
    // Without `until`, time does not matter.
    const timeless = await pool.listing(job({ key: 'timeless', until: undefined }))
    expect(await pool.listing(job({ key: 'timeless', until: undefined, list: gone, now: '2099-01-01T00:00:00.000Z' }))).toEqual(timeless)
  })

  it('sees a row added at the head of a kept list at once', async () => {
    const before = await pool.listing(job({ key: 'head' }))
    insert(1001, '2030-01-01T00:00:30.500Z')
    const after = await pool.listing(job({ key: 'head' }))
    expect(after.total).toBe(before.total + 1)
    expect(after.ids[0]).toBe(1001)
  })

  it('answers a page of a kept list before a list still to read, but not for ever', async () => {
    const one = new ReaderPool(join(dir, 'db.sqlite'), driver, 1, { maxWaitMs: 60_000 })
    const slow = (key: string) => job({ key, list: { sql: 'with recursive c(x) as (select 1 union all select x + 1 from c where x < 300000) select x, null from c', parameters: [] }, until: undefined })
    try {
      await one.listing(job({ key: 'kept' }))
      const done: string[] = []
      const asked = ['slow 1', 'slow 2', 'kept'].map(key => one.listing(key === 'kept' ? job({ key }) : slow(key)).then(() => done.push(key)))
      await Promise.all(asked)
      // Before both lists, or after the first if it was being read when the others came.
      expect(done.indexOf('kept')).toBeLessThan(done.indexOf('slow 2'))
    }
    finally {
      await one.close()
    }
    const fifo = new ReaderPool(join(dir, 'db.sqlite'), driver, 1, { maxWaitMs: 0 })
    try {
      await fifo.listing(job({ key: 'kept' }))
      const done: string[] = []
      await Promise.all(['slow 1', 'slow 2', 'kept'].map(key => fifo.listing(key === 'kept' ? job({ key }) : slow(key)).then(() => done.push(key))))
      expect(done).toEqual(['slow 1', 'slow 2', 'kept'])
    }
    finally {
      await fifo.close()
    }
  })

  it('reports a failed query as it is and goes on', async () => {
    await expect(pool.all({ sql: 'select * from nowhere', parameters: [] })).rejects.toThrow(/no such table/)
    await expect(pool.all({ sql: 'delete from t returning id', parameters: [] })).rejects.toThrow(/readonly/)
    expect(await count()).toBeGreaterThan(0)
  })

  it('ends its threads on close: reads still out and later ones reject with ReadersUnavailable', async () => {
    const before = threads()
    const other = new ReaderPool(join(dir, 'db.sqlite'), driver, 3)
    expect(await other.all({ sql: 'select 1 as one', parameters: [] })).toEqual([{ one: 1 }])
    if (before !== undefined) expect(threads()).toBeGreaterThanOrEqual(before + 3)
    const slow = expect(other.all({ sql: 'with recursive c(x) as (select 1 union all select x + 1 from c where x < 3000000) select count(*) from c', parameters: [] }))
      .rejects.toBeInstanceOf(ReadersUnavailable)
    await other.close()
    await slow
    await expect(other.all({ sql: 'select 1', parameters: [] })).rejects.toBeInstanceOf(ReadersUnavailable)
    expect(other.size).toBe(0)
    if (before !== undefined) {
      await until(() => threads()! <= before)
      expect(threads()).toBeLessThanOrEqual(before)
    }
  })
})

// ---------------------------------------------------------------------------------------

const NOW = new Date('2030-03-01T00:00:00.000Z')
const HOUR = 3_600_000
const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString()

/** The same numbers on every run. */
function random(seed: number) {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
    return seed / 2 ** 31
  }
}

describe('listShows on reader threads', () => {
  let dir: string
  let db: Db
  let main: Db
  let listings: { mock: { calls: unknown[] } }
  const venues: Venue[] = []
  const shows: Show[] = []
  const screenings: Screening[] = []
  const rnd = random(42)
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ticketshow-readers-'))
    db = openDb('', dir, { readers: 2 }).db
    await migrateToLatest(db)
    // A second connection to the same file without reader threads: the answer to match.
    main = openDb(join(dir, 'ticketshow.sqlite'), dir).db
    expect(readersOf(db)?.size).toBe(2)
    expect(readersOf(main)).toBeUndefined()
    listings = vi.spyOn(readersOf(db)!, 'listing')

    for (const [i, place] of ['Pune', 'pune', 'Goa', 'Delhi', 'Goa', 'Delhi'].entries())
      venues.push(await createVenue(db, { name: `Hall ${i}`, place, capacity: 50, seatsPerRow: 10 }, i % 2 ? 'America/New_York' : 'Asia/Kolkata', NOW))
    const words = ['river', 'Monsoon', 'neon', 'ab', '100%', 'a_b']
    for (let i = 0; i < 60; i++) {
      shows.push(await createShow(db, {
        name: `The ${pick(words)} of ${pick(words)} ${i}`,
        description: rnd() < 0.5 ? `About ${pick(words)}` : '',
        rating: rnd() < 0.2 ? null : Math.round(rnd() * 100) / 10,
        tags: rnd() < 0.5 ? [pick(['drama', 'comedy', 'music'])] : [],
        ticketPrice: 10_000,
        durationMinutes: 90,
      }, NOW))
    }
    // Slots of two hours per venue, from a day ago to a week ahead; some in the past.
    const slots = venues.map(() => 0)
    for (const show of shows) {
      for (let k = Math.floor(rnd() * 4); k > 0; k--) {
        const v = Math.floor(rnd() * venues.length)
        const slot = slots[v]!
        slots[v] = slot + 1
        const startsAt = at((slot * 2 - 24) * HOUR + Math.floor(rnd() * 3) * 60_000)
        const createdAt = new Date(Math.min(NOW.getTime(), Date.parse(startsAt) - HOUR))
        screenings.push(await createScreening(db, { showId: show.id, venueId: venues[v]!.id, startsAt }, createdAt))
      }
    }
    for (const s of screenings.filter(s => s.startsAt > NOW.toISOString()).slice(0, 5)) await cancelScreening(db, s.id, NOW)
  })
  afterAll(async () => {
    await db?.destroy()
    await main?.destroy()
    rmSync(dir, { recursive: true, force: true })
  })

  const QUERIES = (() => {
    const qs: Record<string, string>[] = []
    for (const q of [undefined, 'river', 'MONSOON', 'ne', 'of', '100%', 'a_b', 'nothing'])
      for (const city of [undefined, 'pune', 'GOA'])
        for (const extra of [{}, { tag: 'drama' }, { minRating: '5' }, { date: NOW.toISOString().slice(0, 10) }])
          for (const page of ['1', '2', '4'])
            qs.push(Object.fromEntries(Object.entries({ q, city, ...extra, page, pageSize: '3' }).filter(([, v]) => v !== undefined)) as Record<string, string>)
    return qs
  })()

  /** Every query, on the reader threads and on the main connection: the same answers. */
  async function expectSameAnswers(now: Date, queries = QUERIES) {
    const calls = listings.mock.calls.length
    for (const raw of queries) {
      const query = ShowListQuerySchema.parse(raw)
      const [pooled, direct] = [await listShows(db, query, { now }), await listShows(main, query, { now })]
      expect({ raw, ...pooled }).toEqual({ raw, ...direct })
    }
    // They were answered on the threads, not by falling back.
    expect(listings.mock.calls.length - calls).toBe(queries.length)
  }

  it('answers every filter, page and total as the main connection does', async () => {
    await expectSameAnswers(NOW)
    // Something to compare: most listings are not empty.
    const found = await Promise.all(QUERIES.map(q => listShows(db, ShowListQuerySchema.parse(q), { now: NOW })))
    expect(found.filter(p => p.items.length).length).toBeGreaterThan(QUERIES.length / 4)
  })

  it('answers the same again while many listings are read at once', async () => {
    const queries = QUERIES.map(q => ShowListQuerySchema.parse(q))
    const [pooled, direct] = [await Promise.all(queries.map(q => listShows(db, q, { now: NOW }))), await Promise.all(queries.map(q => listShows(main, q, { now: NOW })))]
    expect(pooled).toEqual(direct)
  })

  it('answers the next read with each change made on the main connection', async () => {
    const few = QUERIES.filter((_, i) => i % 5 === 0)
    const upcoming = screenings.filter(s => s.startsAt > at(HOUR))
    const changes: (() => Promise<unknown>)[] = [
      () => updateShow(db, shows[3]!.id, { name: 'The river of change', description: 'Now about neon' }, NOW),
      () => updateShow(db, shows[4]!.id, { tags: ['drama'], rating: 9.9 }, NOW),
      () => cancelScreening(db, upcoming[7]!.id, NOW),
      () => updateScreening(db, upcoming[9]!.id, { startsAt: at(30 * 24 * HOUR) }, NOW),
      async () => {
        const hall = await createVenue(db, { name: 'Late hall', place: 'Pune', capacity: 50, seatsPerRow: 10 }, 'Asia/Kolkata', NOW)
        await createScreening(db, { showId: shows[5]!.id, venueId: hall.id, startsAt: at(HOUR / 2) }, NOW)
      },
      () => deleteShow(db, shows[6]!.id),
    ]
    for (const change of changes) {
      await change()
      await expectSameAnswers(NOW, few)
    }
  })

  it('moves on as showtimes start, with no write in between for the listings by city or day', async () => {
    const few = QUERIES.filter((_, i) => i % 3 === 0)
    // By city or day first: nothing is written (the showtimes kept on the show rows move on
    // with the other listings), so only the time tells the kept lists to go.
    const byPlaceOrDay = few.filter(q => q.city || q.date)
    for (const hours of [0.5, 1, 2.01, 5, 26, 24 * 8]) {
      const now = new Date(NOW.getTime() + hours * HOUR)
      await expectSameAnswers(now, byPlaceOrDay)
      await expectSameAnswers(now, few)
    }
  })

  it('reads on the main connection once its threads are gone', async () => {
    const pool = readersOf(db)!
    await pool.close()
    expect(readersOf(db)).toBeUndefined()
    const query = ShowListQuerySchema.parse({ q: 'river', page: '1', pageSize: '3' })
    expect(await listShows(db, query, { now: NOW })).toEqual(await listShows(main, query, { now: NOW }))
  })

  it('ends the threads with the database, over and over', async () => {
    const cycle = async () => {
      const other = openDb(join(dir, 'ticketshow.sqlite'), dir, { readers: 3 }).db
      expect(readersOf(other)?.size).toBe(3)
      await listShows(other, ShowListQuerySchema.parse({ q: 'river' }), { now: NOW })
      await other.destroy()
      expect(readersOf(other)).toBeUndefined()
    }
    await cycle()
    const before = threads()
    for (let i = 0; i < 4; i++) await cycle()
    if (before !== undefined) {
      await until(() => threads()! <= before)
      expect(threads()).toBeLessThanOrEqual(before)
    }
  })
})
