// One screening's seats as an instance of TicketShow keeps them while it has live streams
// of it (utils/live.ts): read once, then kept current by the announcements of what happened,
// with the changes since the last event gathered per seat and sent as one event.

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

/**
 * One announced change: seats booked (`taken`), seats given back (`freed`), a person's hold
 * on the screening now (`holder`: their seats, none when let go, and until when), or
 * `resync`: read the seats again.
 */
export type SeatOp
  = | { taken: string[] }
    | { freed: string[] }
    | { holder: number, seats: string[], expiresAt: string | null }
    | { resync: true }

/** A change as a `change` event: its JSON, and the whole event as bytes, made once for all of a screening's streams. */
export interface ChangeEvent {
  json: string
  frame: Buffer
}

/** Gets each change. */
export type Listener = (change: ChangeEvent) => void

type Status = 'free' | 'held' | 'taken'

/**
 * Changes of one screening this close together are one event: a flash sale's hundreds of
 * bookings a second reach each open map as a few events a second, well inside the second
 * a person would notice.
 */
const EVENT_MS = 200
/** How often a watched screening's seats are read again, in case an announcement was lost. */
const RESYNC_MS = 30_000

/** The seats of a watched screening on this instance, and what changed since its last event. */
export class WatchedSeats {
  readonly listeners = new Set<Listener>()
  taken = new Set<string>()
  /** seat → who holds it and until when (ms) */
  holds = new Map<string, { user: number, until: number }>()
  /** seats changed since the last event → their status then */
  private dirty = new Map<string, Status>()
  /** resolves once the first read is in (announcements meanwhile are applied after it) */
  readonly loaded: Promise<void>
  private first = true
  /** announcements that came during a read, applied again on top of what it found */
  private log: Exclude<SeatOp, { resync: true }>[] | null = null
  private reading: Promise<void> | undefined
  private readAgain = false
  private flushTimer: ReturnType<typeof setTimeout> | undefined
  private expiryTimer: ReturnType<typeof setTimeout> | undefined
  private resyncTimer: ReturnType<typeof setInterval>

  constructor(readonly screeningId: number) {
    this.loaded = this.read()
    this.resyncTimer = setInterval(() => void this.read().catch(() => {}), RESYNC_MS)
    this.resyncTimer.unref?.()
  }

  private status(seat: string): Status {
    return this.taken.has(seat) ? 'taken' : this.holds.has(seat) ? 'held' : 'free'
  }

  private touch(seat: string) {
    if (!this.dirty.has(seat)) this.dirty.set(seat, this.status(seat))
  }

  /** The seats now, as a new stream's snapshot. */
  snapshot(): SeatState {
    return { taken: [...this.taken], held: [...this.holds.keys()].filter(seat => !this.taken.has(seat)) }
  }

  /**
   * Reads the seats and makes them the state, telling the streams what that changed. What
   * was announced while the read was under way is applied again on top: the read may have
   * been answered before that change was committed.
   */
  private read(): Promise<void> {
    if (this.reading) {
      this.readAgain = true
      return this.reading
    }
    this.log = []
    const reading = (async () => {
      const now = new Date()
      const db = useDb()
      const [taken, held] = await Promise.all([
        db.selectFrom('booking_seats').select('seat').where('screening_id', '=', this.screeningId).execute(),
        db.selectFrom('seat_holds').select(['seat', 'user_id', 'expires_at']).where('screening_id', '=', this.screeningId).where('expires_at', '>', now.toISOString()).execute(),
      ])
      const nextTaken = new Set(taken.map(r => r.seat))
      const nextHolds = new Map(held.map(r => [r.seat, { user: r.user_id, until: Date.parse(r.expires_at) }]))
      if (!this.first) {
        for (const seat of new Set([...this.taken, ...nextTaken, ...this.holds.keys(), ...nextHolds.keys()])) {
          if (this.taken.has(seat) !== nextTaken.has(seat) || this.holds.has(seat) !== nextHolds.has(seat)) this.touch(seat)
        }
      }
      this.first = false
      this.taken = nextTaken
      this.holds = nextHolds
      const log = this.log ?? []
      this.log = null
      for (const op of log) this.applyNow(op)
      this.changed()
    })()
    this.reading = reading.finally(() => {
      this.reading = undefined
      this.log = null
      if (this.readAgain) {
        this.readAgain = false
        this.read().catch(err => console.warn(`[live] could not read the seats of screening ${this.screeningId}: ${(err as Error).message}`))
      }
    })
    return this.reading
  }

  /** Applies an announced change. */
  apply(op: SeatOp) {
    if ('resync' in op) {
      this.read().catch(err => console.warn(`[live] could not read the seats of screening ${this.screeningId}: ${(err as Error).message}`))
      return
    }
    this.log?.push(op)
    // Before the first read there is nothing to apply it to: the read's end does.
    if (this.first) return
    this.applyNow(op)
    this.changed()
  }

  private applyNow(op: Exclude<SeatOp, { resync: true }>) {
    if ('taken' in op) {
      for (const seat of op.taken) {
        this.touch(seat)
        this.taken.add(seat)
      }
    }
    else if ('freed' in op) {
      for (const seat of op.freed) {
        this.touch(seat)
        this.taken.delete(seat)
      }
    }
    else {
      for (const [seat, hold] of this.holds) {
        if (hold.user === op.holder) {
          this.touch(seat)
          this.holds.delete(seat)
        }
      }
      const until = op.expiresAt ? Date.parse(op.expiresAt) : 0
      if (until > Date.now()) {
        for (const seat of op.seats) {
          this.touch(seat)
          this.holds.set(seat, { user: op.holder, until })
        }
      }
    }
  }

  /** Sends what changed soon (once for changes close together), and lets expired holds go when they expire. */
  private changed() {
    if (this.dirty.size && !this.flushTimer) this.flushTimer = setTimeout(() => this.flush(), EVENT_MS)
    clearTimeout(this.expiryTimer)
    let next = Infinity
    for (const hold of this.holds.values()) next = Math.min(next, hold.until)
    if (next === Infinity) return
    this.expiryTimer = setTimeout(() => {
      const now = Date.now()
      for (const [seat, hold] of this.holds) {
        if (hold.until <= now) {
          this.touch(seat)
          this.holds.delete(seat)
        }
      }
      this.changed()
    }, Math.max(0, next - Date.now()) + 10)
    this.expiryTimer.unref?.()
  }

  private flush() {
    this.flushTimer = undefined
    const change: SeatChange = { taken: [], freed: [], held: [], released: [] }
    for (const [seat, before] of this.dirty) {
      const now = this.status(seat)
      if (now === before) continue
      if (now === 'taken') change.taken.push(seat)
      if (before === 'taken') change.freed.push(seat)
      if (now === 'held') change.held.push(seat)
      if (before === 'held') change.released.push(seat)
    }
    this.dirty.clear()
    if (!change.taken.length && !change.freed.length && !change.held.length && !change.released.length) return
    const json = JSON.stringify(change)
    const event = { json, frame: Buffer.from(`event: change\ndata: ${json}\n\n`) }
    for (const listener of this.listeners) listener(event)
  }

  stop() {
    clearTimeout(this.flushTimer)
    clearTimeout(this.expiryTimer)
    clearInterval(this.resyncTimer)
  }
}
