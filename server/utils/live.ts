import pg from 'pg'
import { Redis } from 'ioredis'
import { sql } from 'kysely'
import type { Db } from '../db'
import { isPostgres } from '../db'

// The live seat map (GET /api/screenings/{id}/live): which seats are taken and held, pushed
// to every open map of a screening as soon as they change, on whichever instance the change
// was made. A change is announced on a bus: Redis pub/sub when NUXT_REDIS_URL is set,
// otherwise PostgreSQL's LISTEN/NOTIFY (no extra service), otherwise (SQLite, one process)
// in memory. Each instance then reads the screening's seats once and sends what changed to
// all of its streams of it, encoded once: a flash sale with a thousand open maps costs one
// read per change and instance, not a thousand. Announcements of one screening within 50 ms
// of each other are one.

export interface SeatState {
  taken: string[]
  held: string[]
}

/** What changed since the last event: seats newly taken and freed, newly held and let go. */
export interface SeatChange {
  taken: string[]
  freed: string[]
  held: string[]
  released: string[]
}

/** Gets each change, already as the event's JSON (encoded once for all of a screening's streams). */
type Listener = (json: string) => void

const listeners = new Map<number, Set<Listener>>()
/** Per screening with open streams: the seats as last read, what each change is told against. */
const last = new Map<number, { taken: Set<string>, held: Set<string> }>()
const reading = new Map<number, ReturnType<typeof setTimeout>>()
const streams = new Set<() => void>()
/** Announcements, and reads, of one screening this close together are one. */
const COALESCE_MS = 50

/** The taken (booked) and held seats of a screening now. */
export async function readSeatState(db: Db, screeningId: number, now = new Date()): Promise<SeatState> {
  const [taken, held] = await Promise.all([
    db.selectFrom('booking_seats').select('seat').where('screening_id', '=', screeningId).execute(),
    db.selectFrom('seat_holds').select('seat').where('screening_id', '=', screeningId).where('expires_at', '>', now.toISOString()).execute(),
  ])
  const booked = new Set(taken.map(r => r.seat))
  return { taken: [...booked], held: held.map(r => r.seat).filter(s => !booked.has(s)) }
}

const minus = (a: Set<string>, b: Set<string>) => [...a].filter(x => !b.has(x))

/**
 * A change reached this instance: read the seats once (soon) and tell this screening's
 * streams what changed. A change is small however full the hall: a thousand streams of a
 * busy screening cost a few bytes each per booking, not the whole map.
 */
function changed(screeningId: number) {
  if (!listeners.has(screeningId) || reading.has(screeningId)) return
  reading.set(screeningId, setTimeout(() => {
    reading.delete(screeningId)
    readSeatState(useDb(), screeningId).then((state) => {
      const now = { taken: new Set(state.taken), held: new Set(state.held) }
      const before = last.get(screeningId) ?? { taken: new Set<string>(), held: new Set<string>() }
      if (!listeners.has(screeningId)) return
      last.set(screeningId, now)
      const change: SeatChange = { taken: minus(now.taken, before.taken), freed: minus(before.taken, now.taken), held: minus(now.held, before.held), released: minus(before.held, now.held) }
      if (!change.taken.length && !change.freed.length && !change.held.length && !change.released.length) return
      const json = JSON.stringify(change)
      for (const listener of listeners.get(screeningId) ?? []) listener(json)
    }).catch(err => console.warn(`[live] could not read the seats of screening ${screeningId}: ${(err as Error).message}`))
  }, COALESCE_MS))
}

interface Bus {
  publish: (screeningId: number) => Promise<unknown>
  listen: () => void
  close: () => Promise<void>
}

const CHANNEL = 'ticketshow_seats'
let bus: Bus | undefined

function onMessage(message: string) {
  const id = Number(message)
  if (Number.isInteger(id) && id > 0) changed(id)
}

/** PostgreSQL: NOTIFY through the pool, LISTEN on a connection of its own (reconnected when lost). */
function postgresBus(db: Db, url: string): Bus {
  let client: pg.Client | undefined
  let closed = false
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
    c.connect().then(() => c.query(`listen ${CHANNEL}`)).catch(retry)
  }
  return {
    publish: id => sql`select pg_notify(${CHANNEL}, ${String(id)})`.execute(db),
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
    publish: id => publisher.publish(channel, String(id)),
    listen: () => {
      if (subscriber) return
      subscriber = new Redis(url, { maxRetriesPerRequest: null, connectTimeout: 2000 })
      subscriber.on('error', () => {}) // reconnects by itself; the shared connection logs the outage
      subscriber.on('message', (_channel, message: string) => onMessage(message))
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
    else bus = { publish: async id => changed(id), listen: () => {}, close: async () => {} }
  }
  return bus
}

const announcing = new Set<number>()

/**
 * Tells every instance that a screening's seats changed (a booking, a change, a cancellation,
 * a hold). Never awaited by the request and never fails it: a lost announcement only means
 * the maps catch up at their next poll.
 */
export function announceSeats(screeningId: number): void {
  if (announcing.has(screeningId)) return
  announcing.add(screeningId)
  setTimeout(() => {
    announcing.delete(screeningId)
    useBus().publish(screeningId).catch(err => console.warn(`[live] could not announce a change of screening ${screeningId}: ${(err as Error).message}`))
  }, COALESCE_MS)
}

/**
 * Calls `listener` with each change of a screening's seats, as JSON; returns the
 * unsubscribe. `snapshot` is what the new stream was sent first: the base of the changes to
 * come when it is the screening's first stream here (applying a change twice does no harm).
 */
export function subscribeSeats(screeningId: number, snapshot: SeatState, listener: Listener, close: () => void): () => void {
  useBus().listen()
  let set = listeners.get(screeningId)
  if (!set) listeners.set(screeningId, set = new Set())
  if (!last.has(screeningId)) last.set(screeningId, { taken: new Set(snapshot.taken), held: new Set(snapshot.held) })
  set.add(listener)
  streams.add(close)
  return () => {
    streams.delete(close)
    set.delete(listener)
    if (!set.size) {
      listeners.delete(screeningId)
      last.delete(screeningId)
    }
  }
}

/** Open live streams (the metrics and the shutdown read it). */
export const liveStreamCount = () => streams.size

/** Shutting down: ends every stream (the browsers fall back to polling or reconnect elsewhere) and the bus. */
export async function closeLiveStreams(): Promise<void> {
  for (const close of [...streams]) close()
  await bus?.close()
}
