import { CompiledQuery } from 'kysely'
import type { Db } from '../../db'
import { batched, inKeyOrder } from '../../db/batch'
import { isUniqueViolation } from '../../db/errors'
import { keepPrepared } from '../../db/prepared'

// The write of a PostgreSQL booking (book-pg.ts): one statement that claims the counter,
// inserts the booking, its seat rows and its confirmation email, all or nothing. The
// bookings that reach this point together go as one call of ts_book_many (migration 0017),
// one round trip and one commit for all of them, each booking in a block of its own.

// $1 screening, $2 seat count, $3 now, $4 reference, $5 user, $6 seats (text), $7 seats
// (text[]), $8 unit price, $9 total, $10 lines (JSON), $11 the seats_version read (it moves
// when the hall changes: seats picked in the old one are not claimed); with the email, $12
// its recipient, $13 its subject, $14 its template (the booking's id is set in it here)
const CLAIM = `with claim as (
  update screenings set seats_sold = seats_sold + $2
  where id = $1 and cancelled_at is null and starts_at > $3 and seats_sold + $2 <= capacity and seats_version = $11
  returning id
), booking as (
  insert into bookings (reference, user_id, screening_id, quantity, unit_price, total, status, seats, lines, created_at, updated_at)
  select $4, $5, claim.id, $2, $8, $9, 'confirmed', $6, $10, $3, $3 from claim
  returning id
), seat_rows as (
  insert into booking_seats (screening_id, seat, booking_id)
  select $1, seat, booking.id from booking, unnest($7::text[]) as seat
), released as (
  delete from seat_holds where screening_id = $1 and user_id = $5 and exists (select 1 from booking)
)`
const BOOK = keepPrepared(`${CLAIM}
select id from booking`)
const BOOK_AND_MAIL = keepPrepared(`${CLAIM}, mail as (
  insert into outbox ("to", subject, html, text, kind, dedupe_key, status, next_attempt_at, created_at, user_id, template)
  select $12::text, $13::text, '', '', 'booking-confirmed', 'booking-confirmed:' || booking.id, 'pending', $3, $3, $5,
    jsonb_set($14::jsonb, '{booking,id}', to_jsonb(booking.id))::text
  from booking
  on conflict (dedupe_key) do nothing
)
select id from booking`)

export interface Claim {
  screeningId: number
  n: number
  at: string
  reference: string
  userId: number
  seats: string[]
  unitPrice: number
  total: number
  /** the priced lines, as JSON */
  lines: string
  /** the seats_version the seats were picked at */
  seatsVersion: number
  mail?: { to: string, subject: string, template: string }
}

/** A claim's outcome: the booking's id, none (the claim touched no row), the unique constraint it broke, or another failure. */
type Outcome = { id?: number, clash?: string, error?: unknown }

const clashOf = (err: unknown): Outcome => {
  if (!isUniqueViolation(err)) throw err
  return { clash: String((err as { constraint?: string }).constraint ?? (err as Error).message) }
}

async function claimOne(db: Db, c: Claim): Promise<Outcome> {
  const params: unknown[] = [c.screeningId, c.n, c.at, c.reference, c.userId, c.seats.join(','), c.seats, c.unitPrice, c.total, c.lines, c.seatsVersion]
  const query = c.mail ? CompiledQuery.raw(BOOK_AND_MAIL, [...params, c.mail.to, c.mail.subject, c.mail.template]) : CompiledQuery.raw(BOOK, params)
  try {
    return { id: (await db.executeQuery<{ id: number }>(query)).rows[0]?.id }
  }
  catch (err) {
    return clashOf(err)
  }
}

const BOOK_MANY = keepPrepared('select batch_i, booked_id, clash from ts_book_many($1::jsonb)')

/** Deadlock and serialization failures: the whole call was rolled back, so each booking may be made again alone. */
const RETRYABLE = new Set(['40P01', '40001'])

const claimMany = batched<Claim, Outcome>(async (db, claims) => {
  const rows = claims.map((c, i) => ({
    i: i + 1, screening_id: c.screeningId, n: c.n, at: c.at, reference: c.reference, user_id: c.userId, seats: c.seats.join(','), seat_list: c.seats,
    unit_price: c.unitPrice, total: c.total, lines: c.lines, seats_version: c.seatsVersion, mail_to: c.mail?.to ?? null, mail_subject: c.mail?.subject ?? null, mail_template: c.mail?.template ?? null,
  }))
  let answer
  try {
    answer = await db.executeQuery<{ batch_i: number, booked_id: number | null, clash: string | null }>(CompiledQuery.raw(BOOK_MANY, [JSON.stringify(rows)]))
  }
  catch (err) {
    if (!RETRYABLE.has((err as { code?: string }).code ?? '')) throw err
    const alone: Outcome[] = []
    // Each answered on its own: one failing does not fail the others made before it.
    for (const c of claims) alone.push(await claimOne(db, c).catch((error: unknown) => ({ error })))
    return alone
  }
  return inKeyOrder(answer.rows, claims.length).map(r => (r?.clash ? { clash: r.clash } : { id: r?.booked_id ?? undefined }))
}, claimOne)

/**
 * Makes the claimed booking: resolves with its id, or undefined when the claim touched no
 * row (sold out, started, cancelled or re-seated since the read); rejects, as the single
 * statement would, with a unique violation naming the constraint (a seat or the reference).
 */
export async function claimSeats(db: Db, claim: Claim): Promise<{ id: number } | undefined> {
  const outcome = await claimMany(db, claim)
  if (outcome?.error) throw outcome.error
  if (outcome?.clash) throw Object.assign(new Error(`duplicate key value violates unique constraint "${outcome.clash}"`), { code: '23505', constraint: outcome.clash })
  return outcome?.id === undefined ? undefined : { id: outcome.id }
}
