import type { Db } from '../../db'
import type { CheckinBooking, CheckinResult, CheckinScreening } from '#shared/types/api'
import { utcToZonedLocal } from '#shared/time'
import { Conflict, Gone, NotFound, Unacceptable } from '../errors'
import { parseTicketCode, ticketMacMatches } from './codes'

// Letting tickets in at the door. A ticket goes in once: the conditional UPDATE
// `... WHERE checked_in_at IS NULL` touches one row for exactly one of any number of
// concurrent scans, on every dialect and however many instances share the database.

/** What the door is shown: a scanned code, or the reference typed in by hand. */
export type TicketQuery = { code: string } | { reference: string }

const unknownTicket = () => new NotFound('Unknown ticket: this code is not a TicketShow ticket')

function doorQuery(db: Db) {
  return db.selectFrom('bookings as b')
    .innerJoin('screenings as s', 's.id', 'b.screening_id')
    .innerJoin('shows as sh', 'sh.id', 's.show_id')
    .innerJoin('venues as v', 'v.id', 's.venue_id')
    .innerJoin('users as u', 'u.id', 'b.user_id')
    .leftJoin('users as staff', 'staff.id', 'b.checked_in_by')
    .select([
      'b.id', 'b.reference', 'b.status', 'b.quantity', 'b.seats', 'b.checked_in_at', 'staff.username as checked_in_by',
      'u.username as holder', 's.id as screening_id', 's.starts_at', 'sh.id as show_id', 'sh.name as show_name',
      'v.id as venue_id', 'v.name as venue_name', 'v.place', 'v.timezone',
    ])
}

type DoorRow = NonNullable<Awaited<ReturnType<ReturnType<typeof doorQuery>['executeTakeFirst']>>>

function toCheckinBooking(r: DoorRow): CheckinBooking {
  return {
    id: r.id, reference: r.reference, status: r.status, quantity: r.quantity, holder: r.holder,
    screening: {
      id: r.screening_id, startsAt: r.starts_at,
      show: { id: r.show_id, name: r.show_name },
      venue: { id: r.venue_id, name: r.venue_name, place: r.place, timezone: r.timezone },
    },
  }
}

async function findTicket(db: Db, key: Buffer, ticket: TicketQuery): Promise<DoorRow> {
  if ('reference' in ticket) {
    const row = await doorQuery(db).where('b.reference', '=', ticket.reference.trim().toUpperCase()).executeTakeFirst()
    if (!row) throw new NotFound('No booking has that reference')
    return row
  }
  const parsed = parseTicketCode(ticket.code)
  if (!parsed) throw unknownTicket()
  const row = await doorQuery(db).where('b.id', '=', parsed.bookingId).executeTakeFirst()
  if (!row || !ticketMacMatches(key, row, parsed.mac)) throw unknownTicket()
  return row
}

function alreadyIn(r: DoorRow): Conflict {
  const at = utcToZonedLocal(r.checked_in_at!, r.timezone).time
  return new Conflict(`Already checked in at ${at}${r.checked_in_by ? ` by ${r.checked_in_by}` : ''}`, {
    checkedInAt: r.checked_in_at, checkedInBy: r.checked_in_by, booking: toCheckinBooking(r),
  })
}

function refuseUnlessAdmissible(r: DoorRow, now: Date): void {
  if (r.status === 'cancelled') throw new Gone('This booking was cancelled', { booking: toCheckinBooking(r) })
  const day = utcToZonedLocal(r.starts_at, r.timezone).date
  if (day !== utcToZonedLocal(now.toISOString(), r.timezone).date)
    throw new Unacceptable(`Wrong day: this ticket is for ${day}`, { startsAt: r.starts_at, booking: toCheckinBooking(r) })
}

/**
 * Lets a ticket in once. NotFound for an unknown or forged code, Gone for a cancelled
 * booking, Unacceptable for another day's screening (in the venue's timezone), Conflict
 * (with when and by whom) for a ticket already let in.
 */
export async function checkIn(db: Db, key: Buffer, ticket: TicketQuery, staffId: number, now = new Date()): Promise<CheckinResult> {
  const row = await findTicket(db, key, ticket)
  refuseUnlessAdmissible(row, now)
  if (row.checked_in_at) throw alreadyIn(row)
  const at = now.toISOString()
  const result = await db.updateTable('bookings').set({ checked_in_at: at, checked_in_by: staffId })
    .where('id', '=', row.id).where('checked_in_at', 'is', null).where('status', '=', 'confirmed')
    .executeTakeFirst()
  if (Number(result.numUpdatedRows) !== 1) {
    const again = await doorQuery(db).where('b.id', '=', row.id).executeTakeFirstOrThrow()
    refuseUnlessAdmissible(again, now)
    throw alreadyIn(again)
  }
  return { booking: toCheckinBooking(row), seats: row.seats ? row.seats.split(',') : [], checkedInAt: at }
}

/** Today's screenings (each in its venue's timezone), by start, with seats expected and seats let in. */
export async function todaysScreenings(db: Db, now = new Date()): Promise<CheckinScreening[]> {
  const day = 36 * 3600 * 1000
  const rows = await db.selectFrom('screenings as s')
    .innerJoin('shows as sh', 'sh.id', 's.show_id')
    .innerJoin('venues as v', 'v.id', 's.venue_id')
    .leftJoin('bookings as b', join => join.onRef('b.screening_id', '=', 's.id').on('b.status', '=', 'confirmed'))
    .select(eb => [
      's.id', 's.starts_at', 'sh.id as show_id', 'sh.name as show_name', 'v.id as venue_id', 'v.name as venue_name', 'v.place', 'v.timezone',
      eb.fn.coalesce(eb.fn.sum<number>('b.quantity'), eb.lit(0)).as('expected'),
      eb.fn.coalesce(eb.fn.sum<number>(eb.case().when('b.checked_in_at', 'is not', null).then(eb.ref('b.quantity')).else(0).end()), eb.lit(0)).as('checked_in'),
    ])
    .where('s.cancelled_at', 'is', null)
    .where('s.starts_at', '>', new Date(now.getTime() - day).toISOString())
    .where('s.starts_at', '<', new Date(now.getTime() + day).toISOString())
    .groupBy(['s.id', 's.starts_at', 'sh.id', 'sh.name', 'v.id', 'v.name', 'v.place', 'v.timezone'])
    .orderBy('s.starts_at').orderBy('s.id')
    .execute()
  return rows
    .filter(r => utcToZonedLocal(r.starts_at, r.timezone).date === utcToZonedLocal(now.toISOString(), r.timezone).date)
    .map(r => ({
      id: r.id, startsAt: r.starts_at,
      show: { id: r.show_id, name: r.show_name },
      venue: { id: r.venue_id, name: r.venue_name, place: r.place, timezone: r.timezone },
      expected: Number(r.expected), checkedIn: Number(r.checked_in),
    }))
}
