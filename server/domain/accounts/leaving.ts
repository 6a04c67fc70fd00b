import type { Db } from '../../db'
import { writeTransaction } from '../../db/write'
import type { UserRow } from '../../db/schema'
import type { Booking } from '#shared/types/api'
import { cancelUpcomingBookings, countUpcomingBookings, leaveAllWaitlists, listBookings } from '../booking'
import type { OfferSettings } from '../booking'
import { Conflict, Invalid, NotFound } from '../errors'
import type { MailContext } from '../mail'
import { verifyPassword } from './passwords'
import { toAccount } from './users'

// People leaving: an admin deleting (or rejecting) someone, or a member closing their own
// account, and what TicketShow holds about a person, for them to download.
//
// Nobody's booking history leaves with them. Someone with upcoming confirmed bookings is
// refused (409, naming how many) unless the bookings are to be cancelled too, which happens
// in the same transaction, each with the usual cancellation email. Someone with any booking
// left (past ones, cancelled ones) stays as an anonymous row: no name, no email, no
// password, no sessions, no emails; the bookings keep their seats, prices and dates, so the
// dashboard, the monthly figures and the exports do not change. Someone with no booking at
// all is deleted outright.

export interface LeaveOptions {
  /** cancel the upcoming bookings (each with its email) instead of refusing */
  cancelBookings?: boolean
  now?: Date
  mail?: MailContext
  /** how the seats their cancelled bookings free are offered to waiting lists */
  offers?: OfferSettings
}

const noSuchUser = () => new NotFound('No such user')

/** The name and address an anonymised row gets: neither can be registered or written to. */
export const anonymousName = (id: number) => `deleted:${id}`
export const anonymousEmail = (id: number) => `deleted-${id}@deleted.invalid`

async function leave(trx: Db, user: UserRow, opts: LeaveOptions, whose: string): Promise<{ cancelled: number, anonymised: boolean }> {
  const now = opts.now ?? new Date()
  const upcoming = await countUpcomingBookings(trx, user.id, now)
  if (upcoming && !opts.cancelBookings) {
    throw new Conflict(`${whose} ${upcoming} upcoming booking${upcoming === 1 ? '' : 's'}: cancel ${upcoming === 1 ? 'it' : 'them'} first, or cancel ${upcoming === 1 ? 'it' : 'them'} along with the account`, { upcomingBookings: upcoming })
  }
  const cancelled = upcoming ? await cancelUpcomingBookings(trx, user.id, user.email, now, opts.mail, opts.offers) : 0
  await leaveAllWaitlists(trx, user.id, now, opts.offers)
  const history = await trx.selectFrom('bookings').select('id').where('user_id', '=', user.id).limit(1).executeTakeFirst()
  if (!history) {
    // Nobody's history to keep (and so no cancellation written): their emails go with them.
    await trx.deleteFrom('outbox').where('user_id', '=', user.id).execute()
    await trx.deleteFrom('users').where('id', '=', user.id).execute()
    return { cancelled, anonymised: false }
  }
  // Emails not sent yet go with the person, but the cancellations just written (they lose the
  // address at outbox:prune); those sent keep their record, without the address.
  await trx.deleteFrom('outbox').where('user_id', '=', user.id).where('status', 'in', ['pending', 'failed']).where('kind', '!=', 'booking-cancelled').execute()
  await trx.updateTable('outbox').set({ to: anonymousEmail(user.id) }).where('user_id', '=', user.id).where('status', '!=', 'pending').execute()
  await trx.updateTable('users').set(eb => ({
    username: anonymousName(user.id),
    email: anonymousEmail(user.id),
    password_hash: '',
    role: 'user',
    email_opt_in: 0,
    last_seen_at: null,
    session_version: eb('session_version', '+', 1),
    deleted_at: now.toISOString(),
  })).where('id', '=', user.id).execute()
  return { cancelled, anonymised: true }
}

async function liveUser(trx: Db, id: number): Promise<UserRow> {
  const user = await trx.selectFrom('users').selectAll().where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst()
  if (!user) throw noSuchUser()
  return user
}

/** Refuses to let the last admin go: nobody could approve anyone or manage anything after. */
async function assertNotLastAdmin(trx: Db, user: UserRow) {
  if (user.role !== 'admin') return
  const other = await trx.selectFrom('users').select('id').where('role', '=', 'admin').where('id', '!=', user.id).where('deleted_at', 'is', null).limit(1).executeTakeFirst()
  if (!other) throw new Conflict('You are the only admin: make someone else an admin before closing this account')
}

/**
 * An admin deletes or rejects a user (see above). An admin cannot delete themselves
 * (Conflict; they close their account instead); NotFound for an unknown user.
 */
export async function deleteUser(db: Db, id: number, actorId: number, opts: LeaveOptions = {}): Promise<{ cancelled: number, anonymised: boolean }> {
  if (id === actorId) throw new Conflict('You cannot delete your own account')
  return writeTransaction(db, async (trx) => {
    const user = await liveUser(trx, id)
    return leave(trx, user, opts, `${user.username} has`)
  })
}

/** A member closes their own account, with their password (Invalid on `password` when wrong). */
export async function closeAccount(db: Db, userId: number, password: string, opts: LeaveOptions = {}): Promise<{ cancelled: number, anonymised: boolean }> {
  const user = await liveUser(db, userId)
  if (!(await verifyPassword(user.password_hash, password))) throw new Invalid('Your password is not right', 'password')
  return writeTransaction(db, async (trx) => {
    const current = await liveUser(trx, userId)
    await assertNotLastAdmin(trx, current)
    return leave(trx, current, opts, 'You have')
  })
}

export interface AccountExport {
  exportedAt: string
  account: ReturnType<typeof toAccount> & { lastSeenAt: string | null }
  bookings: Booking[]
  emails: Array<{ id: number, to: string, subject: string, kind: string, status: string, createdAt: string, sentAt: string | null }>
  waitlist: Array<{ id: number, screeningId: number, quantity: number, category: string | null, status: string, createdAt: string, offeredSeats: string[], offerExpiresAt: string | null, endedAt: string | null }>
}

/** Everything TicketShow holds about a person: their account, every booking, every email written to them, every waiting list they were on. */
export async function exportAccount(db: Db, userId: number, now = new Date()): Promise<AccountExport> {
  const user = await liveUser(db, userId)
  const bookings: Booking[] = []
  for (let page = 1; ; page++) {
    const batch = await listBookings(db, userId, { page, pageSize: 100, status: 'all', when: 'all', now })
    bookings.push(...batch.items)
    if (bookings.length >= batch.total || !batch.items.length) break
  }
  const emails = await db.selectFrom('outbox').select(['id', 'to', 'subject', 'kind', 'status', 'created_at', 'sent_at'])
    .where('user_id', '=', userId).orderBy('id').execute()
  const entries = await db.selectFrom('waitlist_entries').select(['id', 'screening_id', 'quantity', 'category', 'status', 'created_at', 'offered_seats', 'offer_expires_at', 'ended_at'])
    .where('user_id', '=', userId).orderBy('id').execute()
  return {
    exportedAt: now.toISOString(),
    account: { ...toAccount(user), lastSeenAt: user.last_seen_at },
    bookings,
    emails: emails.map(e => ({ id: e.id, to: e.to, subject: e.subject, kind: e.kind, status: e.status, createdAt: e.created_at, sentAt: e.sent_at })),
    waitlist: entries.map(e => ({
      id: e.id, screeningId: e.screening_id, quantity: e.quantity, category: e.category, status: e.status, createdAt: e.created_at,
      offeredSeats: (e.offered_seats ?? '').split(',').filter(Boolean), offerExpiresAt: e.offer_expires_at, endedAt: e.ended_at,
    })),
  }
}
