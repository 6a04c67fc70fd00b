import { sql } from 'kysely'
import type { Db } from '../../db'
import { writeTransaction } from '../../db/write'
import { loadHall } from '../catalog'
import { Conflict } from '../errors'
import { assertSeatsExist, loadScreening, lockScreening, repickOnPostgres, takenSeats } from './seats'
import { sortSeats } from '#shared/seating'
import type { OfferSettings } from './offers'
import { clearExpired, offerFreeSeats } from './offers'

// Seat holds: while someone chooses, the seats they picked are theirs for a few minutes
// (NUXT_HOLD_MINUTES), so nobody else can book or hold them. A hold is one row per seat
// (PRIMARY KEY (screening_id, seat): one holder per seat), replaced whole by each PUT, and
// over when it expires: every reader counts only rows whose expiry is still ahead, so an
// expired hold frees its seats by itself, and the rows are removed the next time anyone
// holds seats at that screening (or when their holder books).

/** The most screenings one person holds seats for at once (a hold is for choosing, not for keeping). */
export const MAX_HELD_SCREENINGS = 3

export interface Hold {
  /** the seats held for this person: those they chose and those offered to them */
  seats: string[]
  /** when the first of them goes back, or null when none are held */
  expiresAt: string | null
  /** seats offered to them from the waiting list (offers.ts), held until then whatever they choose */
  offer: { seats: string[], expiresAt: string } | null
}

/**
 * Replaces the user's hold on a screening with `seats` (none: lets go). Conflict, naming
 * them in `data.taken`, when a seat is booked or held by someone else; the user's hold stays
 * as it was then. A hold keeps the expiry it started with while it lasts (changing seats does
 * not extend it); a new one runs for `minutes`. Seats offered to them from the waiting list
 * stay held for them until the offer ends, chosen or not; seats let go are offered on.
 */
export async function holdSeats(db: Db, userId: number, screeningId: number, seats: string[], minutes: number, now = new Date(), offers?: OfferSettings): Promise<Hold> {
  const nowIso = now.toISOString()
  return writeTransaction(db, async (trx): Promise<Hold> => {
    await lockScreening(trx, screeningId)
    const s = await loadScreening(trx, screeningId, now)
    const wanted = sortSeats(seats)
    if (wanted.length) assertSeatsExist(wanted, await loadHall(trx, s.venue_id, s.layout_version))
    await clearExpired(trx, screeningId, now)
    const own = await trx.selectFrom('seat_holds').select(['seat', 'expires_at', 'waitlist_id']).where('screening_id', '=', screeningId).where('user_id', '=', userId).execute()
    const offered = own.filter(r => r.waitlist_id !== null)
    const offeredSeats = new Set(offered.map(r => r.seat))
    const mine = own.find(r => r.waitlist_id === null)
    const chosen = wanted.filter(seat => !offeredSeats.has(seat))
    if (chosen.length) {
      const booked = await takenSeats(trx, screeningId)
      const others = new Set((await trx.selectFrom('seat_holds').select('seat').where('screening_id', '=', screeningId)
        .where('user_id', '!=', userId).where('seat', 'in', chosen).execute()).map(r => r.seat))
      const taken = chosen.filter(seat => booked.has(seat) || others.has(seat))
      if (taken.length) {
        const list = taken.join(', ')
        throw new Conflict(`${taken.length === 1 ? `${list} is` : `${list} are`} taken or being chosen by someone else`, { taken })
      }
      if (!mine) {
        const elsewhere = await trx.selectFrom('seat_holds').select(eb => eb.fn.count<number>(sql`distinct screening_id`).as('n'))
          .where('user_id', '=', userId).where('screening_id', '!=', screeningId).where('expires_at', '>', nowIso).where('waitlist_id', 'is', null).executeTakeFirstOrThrow()
        if (Number(elsewhere.n) >= MAX_HELD_SCREENINGS)
          throw new Conflict(`You are holding seats for ${MAX_HELD_SCREENINGS} other screenings: book them or let them go first`, { heldScreenings: Number(elsewhere.n) })
      }
    }
    await trx.deleteFrom('seat_holds').where('screening_id', '=', screeningId).where('user_id', '=', userId).where('waitlist_id', 'is', null).execute()
    await repickOnPostgres(trx, screeningId)
    const expiresAt = chosen.length ? (mine?.expires_at ?? new Date(now.getTime() + minutes * 60_000).toISOString()) : null
    if (chosen.length) await trx.insertInto('seat_holds').values(chosen.map(seat => ({ screening_id: screeningId, seat, user_id: userId, expires_at: expiresAt! }))).execute()
    // Seats let go may be what someone on the waiting list is waiting for.
    if (mine) await offerFreeSeats(trx, screeningId, now, offers)
    const offer = offered.length ? { seats: sortSeats([...offeredSeats]), expiresAt: offered[0]!.expires_at } : null
    const first = [expiresAt, offer?.expiresAt].filter((t): t is string => !!t).sort()[0] ?? null
    return { seats: sortSeats([...chosen, ...offeredSeats]), expiresAt: first, offer }
  })
}

/** The seats of a screening held, now, by anyone but `userId`. */
export async function seatsHeldByOthers(trx: Db, screeningId: number, userId: number, now: Date): Promise<Set<string>> {
  const rows = await trx.selectFrom('seat_holds').select('seat').where('screening_id', '=', screeningId)
    .where('user_id', '!=', userId).where('expires_at', '>', now.toISOString()).execute()
  return new Set(rows.map(r => r.seat))
}

/** Ends the user's hold on a screening (they booked, or changed their booking). */
export async function releaseHold(trx: Db, screeningId: number, userId: number): Promise<void> {
  await trx.deleteFrom('seat_holds').where('screening_id', '=', screeningId).where('user_id', '=', userId).execute()
}

/** Why asked-for seats cannot be had: booked by someone else, or held by someone choosing them. */
export function clashMessage(clash: string[], held: ReadonlySet<string>): string {
  const list = clash.join(', ')
  return clash.every(seat => held.has(seat)) ? `Someone else is choosing ${list} right now` : `Someone else just booked ${list}`
}
