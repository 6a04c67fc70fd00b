import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely'

/**
 * Database types, one interface per table (Kysely style).
 * Instants are ISO-8601 UTC strings on both dialects: TEXT on SQLite, timestamptz on
 * PostgreSQL (parsed back to ISO strings in server/db/index.ts). Flags are 0/1 integers
 * so that both drivers bind and return them the same way.
 */

export type Role = 'user' | 'staff' | 'admin'

export interface UsersTable {
  id: Generated<number>
  username: string
  email: string
  password_hash: string
  role: Role
  approved_at: string | null
  email_opt_in: Generated<number>
  last_seen_at: string | null
  /** every session token carries it; moving it ends the sessions made before */
  session_version: Generated<number>
  created_at: string
  /** set when the person left and their row was kept, anonymised, for their booking history */
  deleted_at: string | null
}

export interface VenuesTable {
  id: Generated<number>
  name: string
  place: string
  capacity: number
  seats_per_row: number
  timezone: string
  created_at: string
  /** JSON HallLayout (shared/layout.ts); null: rows derived from capacity and seats_per_row */
  layout: string | null
  /** moves with every change to the layout (a compiled hall is cached per version) */
  layout_version: Generated<number>
}

export interface ShowsTable {
  id: Generated<number>
  name: string
  description: string
  rating: number | null
  duration_minutes: number
  ticket_price: number
  poster_key: string | null
  created_at: string
  /** Start of the show's next upcoming live screening, kept by server/domain/catalog/showtimes.ts. */
  next_starts_at: string | null
  next_screening_id: number | null
}

export interface ShowTagsTable {
  show_id: number
  tag: string
}

export interface ScreeningsTable {
  id: Generated<number>
  show_id: number
  venue_id: number
  starts_at: string
  ends_at: string
  local_date: Generated<string>
  cancelled_at: string | null
  price: number
  capacity: number
  seats_sold: Generated<number>
  /** SQLite only: moves with every change to the screening's booking_seats rows (triggers, migration 0008). */
  seats_version: Generated<number>
  /** JSON {categoryId: minor units}; a category left out costs `price` */
  prices: string | null
}

export type BookingStatus = 'confirmed' | 'cancelled'

export interface BookingsTable {
  id: Generated<number>
  reference: string
  user_id: number
  screening_id: number
  quantity: number
  unit_price: number
  total: number
  status: BookingStatus
  seats: Generated<string>
  created_at: string
  updated_at: string
  /** JSON BookingLine[] (seat, category, price), in the order of `seats`; null: all at unit_price */
  lines: string | null
  /** when the ticket was let in at the door (issue 15); null: not yet */
  checked_in_at: string | null
  /** the staff member or admin who let it in */
  checked_in_by: number | null
}

export interface SeatHoldsTable {
  screening_id: number
  seat: string
  user_id: number
  expires_at: string
  /** set when the hold is a waiting-list offer: the entry it was offered for */
  waitlist_id: ColumnType<number | null, number | null | undefined, number | null>
}

/** waiting: in the queue; offered: seats held for them; the rest are ended. */
export type WaitlistStatus = 'waiting' | 'offered' | 'booked' | 'lapsed' | 'left' | 'closed'

/** Someone waiting for seats at a screening, in the order they joined (by id). */
export interface WaitlistEntriesTable {
  id: Generated<number>
  screening_id: number
  user_id: number
  quantity: number
  category: string | null
  status: ColumnType<WaitlistStatus, WaitlistStatus | undefined, WaitlistStatus>
  created_at: string
  offered_at: string | null
  offer_expires_at: string | null
  /** the seats offered, comma-separated */
  offered_seats: string | null
  /** when it stopped waiting (booked, lapsed, left, closed) */
  ended_at: string | null
}

export interface BookingSeatsTable {
  screening_id: number
  seat: string
  booking_id: number
}

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'captured'

export interface OutboxTable {
  id: Generated<number>
  to: string
  subject: string
  html: string
  text: string
  kind: string
  dedupe_key: string
  status: OutboxStatus
  attempts: Generated<number>
  next_attempt_at: string
  sent_at: string | null
  last_error: string | null
  created_at: string
  /** JSON object of extra headers, e.g. List-Unsubscribe. */
  headers: string | null
  /** JSON array of MailAttachment (content base64). */
  attachments: string | null
  user_id: number | null
  /** A sender's lease on a 'sending' row; past it, the row may be claimed again. */
  locked_until: string | null
  /** JSON the email is rendered from when it is read or sent (then html and text are empty). */
  template: string | null
}

export interface RevokedTokensTable {
  jti: string
  expires_at: string
}

/** rate-limiter-flexible's own table (on PostgreSQL without Redis); only it reads and writes it. */
export interface RateLimitsTable {
  key: string
  points: number
  expire: number | null
}

export interface TaskRunsTable {
  id: Generated<number>
  name: string
  started_at: string
  finished_at: string | null
  result: string | null
  error: string | null
}

export interface Database {
  users: UsersTable
  venues: VenuesTable
  shows: ShowsTable
  show_tags: ShowTagsTable
  screenings: ScreeningsTable
  bookings: BookingsTable
  booking_seats: BookingSeatsTable
  seat_holds: SeatHoldsTable
  waitlist_entries: WaitlistEntriesTable
  outbox: OutboxTable
  revoked_tokens: RevokedTokensTable
  rate_limits: RateLimitsTable
  task_runs: TaskRunsTable
  files: FilesTable
}

/** Stored files (posters), shared by every instance through the database. */
export interface FilesTable {
  key: string
  data: Buffer
  size: number
  updated_at: string
}

export type UserRow = Selectable<UsersTable>
export type NewUser = Insertable<UsersTable>
export type UserUpdate = Updateable<UsersTable>
export type VenueRow = Selectable<VenuesTable>
export type ShowRow = Selectable<ShowsTable>
export type ScreeningRow = Selectable<ScreeningsTable>
export type BookingRow = Selectable<BookingsTable>
export type OutboxRow = Selectable<OutboxTable>
