/**
 * The seats this instance's PostgreSQL bookings have picked and not yet seen committed, per
 * screening (book-pg.ts). Bookings of one screening that arrive together all read the same
 * taken seats, so without this they all pick the same best block, one wins and the rest
 * fail on UNIQUE(screening_id, seat), read again and often clash again. A picker skips the
 * seats another booking here is claiming, and the seats one claimed after the picker's read
 * began (that read may not see them). The database's constraint stays the rule: this only
 * makes a lost race rare on one instance.
 */
export class PickRegistry {
  private clock = 0
  /** screening → seat → its claim: `settled` is the clock when it committed, or undefined while in flight */
  private readonly claims = new Map<number, Map<string, { owner: object, settled?: number, at: number }>>()

  /** How long a committed claim is kept for reads that began before it (ms): far above a read's time under load. */
  constructor(private readonly keepMs = 2000, private readonly now: () => number = Date.now) {}

  /** screening → when a booking here last lost a seat to a booking made elsewhere */
  private readonly clashes = new Map<number, number>()

  /** Notes that a booking of `screeningId` lost a seat it picked to another instance's booking. */
  clashed(screeningId: number): void {
    if (this.clashes.size >= 1000) this.clashes.clear()
    this.clashes.set(screeningId, this.now())
  }

  /** Whether bookings of `screeningId` lost seats to other instances in the last keepMs. */
  contended(screeningId: number): boolean {
    const at = this.clashes.get(screeningId)
    return at !== undefined && this.now() - at < this.keepMs
  }

  /** Call before the read of taken seats: the mark to pass to unavailable(). */
  mark(): number {
    return ++this.clock
  }

  /** The seats of `screeningId` a read begun at `mark` must treat as taken. */
  unavailable(screeningId: number, mark: number): Set<string> {
    const seats = new Set<string>()
    const claims = this.claims.get(screeningId)
    if (!claims) return seats
    const stale = this.now() - this.keepMs
    for (const [seat, claim] of claims) {
      if (claim.settled !== undefined && claim.at < stale) claims.delete(seat)
      else if (claim.settled === undefined || claim.settled > mark) seats.add(seat)
    }
    if (!claims.size) this.claims.delete(screeningId)
    return seats
  }

  /** Records `seats` as being claimed; the returned function ends the claim (`committed` or not). */
  claim(screeningId: number, seats: readonly string[]): (committed: boolean) => void {
    const owner = {}
    let claims = this.claims.get(screeningId)
    if (!claims) this.claims.set(screeningId, (claims = new Map()))
    for (const seat of seats) claims.set(seat, { owner, at: this.now() })
    return (committed) => {
      const mine = this.claims.get(screeningId)
      if (!mine) return
      const settled = ++this.clock
      for (const seat of seats) {
        const claim = mine.get(seat)
        if (claim?.owner !== owner) continue
        if (committed) mine.set(seat, { owner, settled, at: this.now() })
        else mine.delete(seat)
      }
      if (!mine.size) this.claims.delete(screeningId)
    }
  }
}
