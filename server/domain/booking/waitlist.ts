import { sql } from 'kysely'
import type { Db } from '../../db'
import { isUniqueViolation } from '../../db/errors'
import { writeTransaction } from '../../db/write'
import type { ScreeningWaitlist, WaitlistEntry } from '#shared/types/api'
import { loadHall, loadHalls } from '../catalog'
import { Conflict, NotFound } from '../errors'
import { bestSeats } from '#shared/seating'
import type { OfferSettings } from './offers'
import { clearExpired, endEntry, offerFreeSeats } from './offers'
import { seatsHeldByOthers } from './holds'
import { assertCategory, categoryName } from './pricing'
import { loadScreening, lockScreening, takenSeats } from './seats'

// Joining, reading and leaving a screening's waiting list (issue 15); the offers are
// offers.ts. Someone joins only while fewer seats (of the category they want) are free
// than they ask for; the queue is the entries' order (their ids).

/** The most waiting lists one person is on at once. */
export const MAX_OPEN_ENTRIES = 10

const OPEN = ['waiting', 'offered'] as const

/**
 * Puts the user on the screening's waiting list for `quantity` seats (of `category`).
 * Conflict while that many such seats are free (data.seatsLeft), when they are on it
 * already (data.entryId), or on too many lists; NotFound for an unknown or cancelled
 * screening; Conflict once it has started.
 */
export async function joinWaitlist(db: Db, userId: number, screeningId: number, input: { quantity: number, category?: string }, now = new Date()): Promise<WaitlistEntry> {
  const id = await writeTransaction(db, async (trx) => {
    await lockScreening(trx, screeningId)
    const s = await loadScreening(trx, screeningId, now)
    const hall = await loadHall(trx, s.venue_id, s.layout_version)
    if (input.category) assertCategory(hall, input.category)
    await clearExpired(trx, screeningId, now)
    const mine = await trx.selectFrom('waitlist_entries').select('id').where('screening_id', '=', screeningId).where('user_id', '=', userId)
      .where('status', 'in', OPEN).executeTakeFirst()
    if (mine) throw new Conflict('You are already on the waiting list for this screening', { entryId: mine.id })
    const unavailable = new Set([...await takenSeats(trx, screeningId), ...await seatsHeldByOthers(trx, screeningId, userId, now)])
    if (bestSeats(hall, unavailable, input.quantity, input.category)) {
      const free = hall.rows.flat().filter(p => !unavailable.has(p.label) && (!input.category || p.category === input.category)).length
      const what = input.category ? `${categoryName(hall, input.category)} seats` : 'seats'
      throw new Conflict(`${free} ${what} are free: book them instead of waiting`, { seatsLeft: free })
    }
    const open = await trx.selectFrom('waitlist_entries').select(eb => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId)
      .where('status', 'in', OPEN).executeTakeFirstOrThrow()
    if (Number(open.n) >= MAX_OPEN_ENTRIES) throw new Conflict(`You are on ${MAX_OPEN_ENTRIES} waiting lists already: leave one first`)
    const row = await trx.insertInto('waitlist_entries').values({
      screening_id: screeningId, user_id: userId, quantity: input.quantity, category: input.category ?? null, created_at: now.toISOString(),
    }).returning('id').executeTakeFirstOrThrow()
    return row.id
  }).catch((err) => {
    if (isUniqueViolation(err)) throw new Conflict('You are already on the waiting list for this screening')
    throw err
  })
  const entry = (await listWaitlist(db, userId, now, id))[0]
  if (!entry) throw new NotFound('No such screening')
  return entry
}

/** The user's open entries for screenings still to come, soonest first, with their place in each queue (or `onlyId`'s). */
export async function listWaitlist(db: Db, userId: number, now = new Date(), onlyId?: number): Promise<WaitlistEntry[]> {
  const nowIso = now.toISOString()
  let q = db.selectFrom('waitlist_entries as w')
    .innerJoin('screenings as s', 's.id', 'w.screening_id').innerJoin('shows as sh', 'sh.id', 's.show_id').innerJoin('venues as v', 'v.id', 's.venue_id')
    .select(['w.id', 'w.status', 'w.quantity', 'w.category', 'w.created_at', 'w.offer_expires_at', 'w.offered_seats',
      's.id as screening_id', 's.starts_at', 'sh.id as show_id', 'sh.name as show_name', 'v.id as venue_id', 'v.name as venue_name', 'v.place', 'v.timezone', 'v.layout_version'])
    .select(eb => eb.selectFrom('waitlist_entries as ahead').select(ahead => ahead.fn.countAll<number>().as('n'))
      .whereRef('ahead.screening_id', '=', 'w.screening_id').where('ahead.status', '=', 'waiting').whereRef('ahead.id', '<=', 'w.id').as('position'))
    .where('w.user_id', '=', userId).where('w.status', 'in', OPEN).where('s.cancelled_at', 'is', null).where('s.starts_at', '>', nowIso)
    // An offer that ran out is over, whether or not the sweep has marked it yet.
    .where(eb => eb.or([eb('w.status', '=', 'waiting'), eb('w.offer_expires_at', '>', nowIso)]))
  if (onlyId !== undefined) q = q.where('w.id', '=', onlyId)
  const rows = await q.orderBy('s.starts_at').orderBy('w.id').execute()
  const halls = await loadHalls(db, rows.map(r => ({ id: r.venue_id, version: r.layout_version })))
  return rows.map((r) => {
    const hall = halls.get(r.venue_id)
    const offered = r.status === 'offered'
    return {
      id: r.id,
      status: offered ? 'offered' : 'waiting',
      quantity: r.quantity,
      category: r.category,
      categoryName: r.category ? (hall ? categoryName(hall, r.category) : r.category) : null,
      position: offered ? null : Number(r.position),
      createdAt: r.created_at,
      offer: offered ? { seats: (r.offered_seats ?? '').split(',').filter(Boolean), expiresAt: r.offer_expires_at! } : null,
      screening: {
        id: r.screening_id,
        startsAt: r.starts_at,
        show: { id: r.show_id, name: r.show_name },
        venue: { id: r.venue_id, name: r.venue_name, place: r.place, timezone: r.timezone },
      },
    }
  })
}

/**
 * Takes the user off a waiting list; an open offer's seats go on to the next people
 * waiting at once. Idempotent for an entry that has ended; NotFound for someone else's.
 */
export async function leaveWaitlist(db: Db, userId: number, entryId: number, now = new Date(), settings?: OfferSettings): Promise<void> {
  const first = await db.selectFrom('waitlist_entries').select('screening_id').where('id', '=', entryId).where('user_id', '=', userId).executeTakeFirst()
  if (!first) throw new NotFound('No such waiting-list entry of yours')
  await writeTransaction(db, async (trx) => {
    await lockScreening(trx, first.screening_id)
    await endEntry(trx, first.screening_id, entryId, 'left', now, settings)
  })
}

/** The screenings where the user waits or holds seats, whose locks their leaving takes. */
export function screeningsWaitedFor(trx: Db, userId: number) {
  return trx.selectFrom('waitlist_entries').select('screening_id').where('user_id', '=', userId).where('status', 'in', OPEN)
    .union(trx.selectFrom('seat_holds').select('screening_id').where('user_id', '=', userId))
}

/**
 * The user leaves every waiting list and lets go of every hold (their account is closing,
 * `trx` its write transaction): what they were offered or held goes to the next people
 * waiting, each screening under its lock (taken in id order).
 */
export async function leaveAllWaitlists(trx: Db, userId: number, now: Date, settings?: OfferSettings): Promise<void> {
  const ids = [...new Set((await screeningsWaitedFor(trx, userId).execute()).map(r => r.screening_id))].sort((a, b) => a - b)
  if (!ids.length) return
  for (const id of ids) await lockScreening(trx, id)
  await trx.updateTable('waitlist_entries').set({ status: 'left', ended_at: now.toISOString() }).where('user_id', '=', userId).where('status', 'in', OPEN).execute()
  await trx.deleteFrom('seat_holds').where('user_id', '=', userId).execute()
  for (const id of ids) await offerFreeSeats(trx, id, now, settings)
}

/** A screening's open waiting list, in order, for admins. NotFound for an unknown screening. */
export async function screeningWaitlist(db: Db, screeningId: number, now = new Date()): Promise<ScreeningWaitlist> {
  const s = await db.selectFrom('screenings').select('id').where('id', '=', screeningId).executeTakeFirst()
  if (!s) throw new NotFound('No such screening')
  const nowIso = now.toISOString()
  const rows = await db.selectFrom('waitlist_entries as w').innerJoin('users as u', 'u.id', 'w.user_id')
    .select(['w.id', 'w.status', 'w.quantity', 'w.category', 'w.created_at', 'w.offer_expires_at', 'w.offered_seats', 'u.id as user_id', 'u.username'])
    .where('w.screening_id', '=', screeningId).where('w.status', 'in', OPEN)
    .where(eb => eb.or([eb('w.status', '=', 'waiting'), eb('w.offer_expires_at', '>', nowIso)]))
    .orderBy('w.id').execute()
  const waiting = rows.filter(r => r.status === 'waiting')
  return {
    screeningId,
    size: waiting.length,
    seatsWanted: waiting.reduce((sum, r) => sum + r.quantity, 0),
    offered: rows.length - waiting.length,
    oldest: waiting[0]?.created_at ?? null,
    entries: rows.map(r => ({
      id: r.id,
      status: r.status === 'offered' ? 'offered' : 'waiting',
      quantity: r.quantity,
      category: r.category,
      createdAt: r.created_at,
      offerExpiresAt: r.status === 'offered' ? r.offer_expires_at : null,
      offeredSeats: r.status === 'offered' ? (r.offered_seats ?? '').split(',').filter(Boolean) : [],
      user: { id: r.user_id, username: r.username },
    })),
  }
}

/** Waiting-list sizes of some screenings (admin lists): people waiting and the oldest join. */
export async function waitlistSizes(db: Db, screeningIds: number[]): Promise<Map<number, { size: number, oldest: string }>> {
  if (!screeningIds.length) return new Map()
  const rows = await db.selectFrom('waitlist_entries').select(['screening_id', sql<number>`count(*)`.as('n'), sql<string>`min(created_at)`.as('oldest')])
    .where('screening_id', 'in', screeningIds).where('status', '=', 'waiting').groupBy('screening_id').execute()
  return new Map(rows.map(r => [r.screening_id, { size: Number(r.n), oldest: typeof r.oldest === 'string' ? r.oldest : new Date(r.oldest).toISOString() }]))
}
