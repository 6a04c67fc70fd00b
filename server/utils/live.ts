import pg from 'pg'
import { Redis } from 'ioredis'
import { sql } from 'kysely'
import type { Db } from '../db'
import { isPostgres } from '../db'
import { WatchedSeats } from './live-seats'
import type { Listener, SeatOp, SeatState } from './live-seats'

// The live seat map (GET /api/screenings/{id}/live): which seats are taken and held, pushed
// to every open map of a screening as soon as they change, on whichever instance the change
// was made. A change is announced on a bus: Redis pub/sub when NUXT_REDIS_URL is set,
// otherwise PostgreSQL's LISTEN/NOTIFY (no extra service), otherwise (SQLite, one process)
// in memory. An announcement says what happened (seats taken, seats freed, a person's hold
// now), so an instance keeps each watched screening's seats in memory and applies it: a
// flash sale with a thousand open maps costs no database read per change, and each change
// is encoded once for all of a screening's streams. Changes of one screening within 200 ms
// of each other are sent as one event. Expired holds are let go by a timer; what cannot be said in a
// few words (a screening cancelled, a booking moved) asks every instance to read the seats
// again, as does a reconnected bus and, to mend anything lost, a read every 30 s.

/** Announcements of one screening this close together go out as one. */
const COALESCE_MS = 50
/** What a payload larger than this would be is said as `resync` (NOTIFY takes at most 8,000 bytes). */
const MAX_PAYLOAD = 7000

const watched = new Map<number, WatchedSeats>()
const streams = new Set<() => void>()

interface Bus {
  publish: (payload: string) => Promise<unknown>
  listen: () => void
  close: () => Promise<void>
}

const CHANNEL = 'ticketshow_seats'
let bus: Bus | undefined

/** An announcement reached this instance: the screenings watched here apply it. */
function onMessage(message: string) {
  let parsed: { s?: unknown, ops?: unknown }
  try {
    parsed = JSON.parse(message)
  }
  catch {
    return
  }
  const seats = typeof parsed.s === 'number' ? watched.get(parsed.s) : undefined
  if (seats && Array.isArray(parsed.ops)) for (const op of parsed.ops as SeatOp[]) seats.apply(op)
}

/** The bus (re)connected: what was announced while it was away is read instead. */
function resyncAll() {
  for (const seats of watched.values()) seats.apply({ resync: true })
}

/** PostgreSQL: NOTIFY through the pool, LISTEN on a connection of its own (reconnected when lost). */
function postgresBus(db: Db, url: string): Bus {
  let client: pg.Client | undefined
  let closed = false
  let connectedBefore = false
  const connect = () => {
    if (closed || client) return
    const c = new pg.Client({ connectionString: url })
    client = c
    const retry = (err?: Error) => {
      if (client !== c) return
      client = undefined
      c.end().catch(() => {})
      if (err) console.warn(`[live] lost the LISTEN connection (${err.message}); reconnecting`)
      if (!closed) setTimeout(connect, 1000).unref()
    }
    c.on('notification', n => n.payload && onMessage(n.payload))
    c.on('error', retry)
    c.on('end', () => retry())
    c.connect().then(() => c.query(`listen ${CHANNEL}`)).then(() => {
      if (connectedBefore) resyncAll()
      connectedBefore = true
    }).catch(retry)
  }
  return {
    publish: payload => sql`select pg_notify(${CHANNEL}, ${payload})`.execute(db),
    listen: connect,
    close: async () => {
      closed = true
      const c = client
      client = undefined
      await c?.end().catch(() => {})
    },
  }
}

/** Redis: PUBLISH on the shared connection, SUBSCRIBE on one of its own. */
function redisBus(url: string, publisher: Redis): Bus {
  const channel = `${redisNamespace()}:seats`
  let subscriber: Redis | undefined
  return {
    publish: payload => publisher.publish(channel, payload),
    listen: () => {
      if (subscriber) return
      let readyBefore = false
      subscriber = new Redis(url, { maxRetriesPerRequest: null, connectTimeout: 2000 })
      subscriber.on('error', () => {}) // reconnects by itself; the shared connection logs the outage
      subscriber.on('message', (_channel, message: string) => onMessage(message))
      subscriber.on('ready', () => {
        if (readyBefore) resyncAll()
        readyBefore = true
      })
      subscriber.subscribe(channel).catch(() => {})
    },
    close: async () => {
      await subscriber?.quit().catch(() => {})
      subscriber = undefined
    },
  }
}

function useBus(): Bus {
  if (!bus) {
    const config = useRuntimeConfig()
    const db = useDb()
    const redis = useRedis()
    if (redis) bus = redisBus(String(config.redisUrl), redis)
    else if (isPostgres(db)) bus = postgresBus(db, String(config.databaseUrl))
    else bus = { publish: async payload => onMessage(payload), listen: () => {}, close: async () => {} }
  }
  return bus
}

/** Announcements not yet sent, by screening. */
const announcing = new Map<number, SeatOp[]>()

/**
 * Tells every instance what happened to a screening's seats (a booking, a cancellation, a
 * hold; `{resync: true}` for anything else). Announcements of a screening within 50 ms go
 * out as one. Never awaited by the request and never fails it: a lost announcement is
 * mended by the next read (within 30 s), and the maps poll while their stream is down.
 */
export function announceSeats(screeningId: number, ...ops: SeatOp[]): void {
  const pending = announcing.get(screeningId)
  if (pending) {
    pending.push(...ops)
    return
  }
  announcing.set(screeningId, [...ops])
  setTimeout(() => {
    const all = announcing.get(screeningId) ?? []
    announcing.delete(screeningId)
    let payload = JSON.stringify({ s: screeningId, ops: all })
    if (payload.length > MAX_PAYLOAD) payload = JSON.stringify({ s: screeningId, ops: [{ resync: true }] })
    useBus().publish(payload).catch(err => console.warn(`[live] could not announce a change of screening ${screeningId}: ${(err as Error).message}`))
  }, COALESCE_MS)
}

/**
 * Follows a screening's seats: resolves with what they are now (the new stream's snapshot)
 * and calls `listener` with each change after it; `unsubscribe` stops that.
 * `close` ends the stream (at shutdown).
 */
export async function subscribeSeats(screeningId: number, listener: Listener, close: () => void): Promise<{ snapshot: SeatState, unsubscribe: () => void }> {
  useBus().listen()
  let seats = watched.get(screeningId)
  if (!seats) watched.set(screeningId, seats = new WatchedSeats(screeningId))
  const mine = seats
  mine.listeners.add(listener)
  streams.add(close)
  const unsubscribe = () => {
    streams.delete(close)
    mine.listeners.delete(listener)
    if (!mine.listeners.size && watched.get(screeningId) === mine) {
      mine.stop()
      watched.delete(screeningId)
    }
  }
  try {
    await mine.loaded
  }
  catch (err) {
    unsubscribe()
    throw err
  }
  return { snapshot: mine.snapshot(), unsubscribe }
}

/** Open live streams (the metrics and the shutdown read it). */
export const liveStreamCount = () => streams.size

/** Shutting down: ends every stream (the browsers fall back to polling or reconnect elsewhere) and the bus. */
export async function closeLiveStreams(): Promise<void> {
  for (const close of [...streams]) close()
  await bus?.close()
}
