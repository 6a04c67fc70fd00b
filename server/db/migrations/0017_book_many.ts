import { PostgresAdapter, sql } from 'kysely'
import type { Kysely } from 'kysely'

// Frozen in time. PostgreSQL only: the bookings that arrive together, made in one round trip
// and one commit (server/domain/booking/book-pg.ts). Each booking is the same single claim
// statement as when it is made alone, inside its own block, so one that loses a seat to
// another (UNIQUE on booking_seats) is rolled back alone and reported; the others go on.
// Screenings are claimed in id order, so two batches never wait for each other in a cycle.
// Each row answers one booking: `booked_id`, or null when the claim touched no row (sold
// out, started, cancelled or re-seated since the read); `clash` names the constraint of a
// unique violation.
export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return
  await sql.raw(`create function ts_book_many(bookings jsonb)
returns table (batch_i int, booked_id int, clash text)
language plpgsql as $fn$
declare
  b record;
begin
  for b in select * from jsonb_to_recordset(bookings) as x(
      i int, screening_id int, n int, at timestamptz, reference text, user_id int, seats text, seat_list text[],
      unit_price int, total int, lines text, seats_version int, mail_to text, mail_subject text, mail_template text)
    order by x.screening_id, x.i
  loop
    batch_i := b.i;
    booked_id := null;
    clash := null;
    begin
      with claim as (
        update screenings set seats_sold = seats_sold + b.n
        where id = b.screening_id and cancelled_at is null and starts_at > b.at and seats_sold + b.n <= capacity and seats_version = b.seats_version
        returning id
      ), booking as (
        insert into bookings (reference, user_id, screening_id, quantity, unit_price, total, status, seats, lines, created_at, updated_at)
        select b.reference, b.user_id, claim.id, b.n, b.unit_price, b.total, 'confirmed', b.seats, b.lines, b.at, b.at from claim
        returning id
      ), seat_rows as (
        insert into booking_seats (screening_id, seat, booking_id)
        select b.screening_id, seat, booking.id from booking, unnest(b.seat_list) as seat
      ), released as (
        delete from seat_holds where screening_id = b.screening_id and user_id = b.user_id and exists (select 1 from booking)
      ), mail as (
        insert into outbox ("to", subject, html, text, kind, dedupe_key, status, next_attempt_at, created_at, user_id, template)
        select b.mail_to, b.mail_subject, '', '', 'booking-confirmed', 'booking-confirmed:' || booking.id, 'pending', b.at, b.at, b.user_id,
          jsonb_set(b.mail_template::jsonb, '{booking,id}', to_jsonb(booking.id))::text
        from booking where b.mail_to is not null
        on conflict (dedupe_key) do nothing
      )
      select id into booked_id from booking;
    exception when unique_violation then
      get stacked diagnostics clash = constraint_name;
      clash := coalesce(nullif(clash, ''), 'unique');
    end;
    return next;
  end loop;
end
$fn$`).execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) await sql`drop function if exists ts_book_many(jsonb)`.execute(db)
}
