/**
 * The taken seats of recently booked screenings, kept in memory by the booking path on
 * SQLite. Reading every seat row of a screening on every booking costs time in proportion
 * to the seats sold (a 5,000-seat house half full is 2,500 rows per booking); instead each
 * entry is stamped with the screening's `seats_version`, which triggers move with every
 * insert, update and delete of its seat rows (migration 0008), whoever makes it. The
 * booking transaction reads that version with the screening row it reads anyway, under
 * the write lock, and uses the entry only when the stamps agree.
 *
 * An entry is brought forward by the transaction that adds seats, before it commits, so
 * the next booking in the same group commit finds it current. Whatever rolls that back
 * must call forget() (the group committer's onRollback does), so an entry never describes
 * a state the database does not have.
 */
export class SeatCache {
  private entries = new Map<number, { version: number, taken: Set<string> }>()

  constructor(private readonly max = 256) {}

  /** The taken seats at `version`, or undefined when not known. */
  get(screeningId: number, version: number): Set<string> | undefined {
    const e = this.entries.get(screeningId)
    if (!e) return undefined
    if (e.version !== version) {
      this.entries.delete(screeningId)
      return undefined
    }
    // Most recently used last: the oldest goes first when full.
    this.entries.delete(screeningId)
    this.entries.set(screeningId, e)
    return e.taken
  }

  /** Records `taken` as the screening's seats at `version` (the set is kept, not copied). */
  set(screeningId: number, version: number, taken: Set<string>): void {
    this.entries.delete(screeningId)
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!)
    this.entries.set(screeningId, { version, taken })
  }

  forget(screeningId: number): void {
    this.entries.delete(screeningId)
  }
}

const caches = new WeakMap<object, SeatCache>()

/** The cache of one database (keyed by its root handle: tests open several). */
export function seatCacheOf(db: object): SeatCache {
  let cache = caches.get(db)
  if (!cache) caches.set(db, cache = new SeatCache())
  return cache
}
