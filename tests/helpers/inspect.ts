import Database from 'better-sqlite3'
import pg from 'pg'
import { dialectOfUrl, sqlitePath } from '../../server/db'

export interface ScreeningCounters {
  id: number
  capacity: number
  /** The counter the conditional update keeps. */
  seatsSold: number
  /** Rows in booking_seats for the screening. */
  seatRows: number
  /** Seats of its confirmed bookings (their quantities added up). */
  confirmedSeats: number
}

export interface DbSnapshot {
  screenings: ScreeningCounters[]
  /** Bookings whose quantity or seat list disagrees with their booking_seats rows. */
  bookingsOutOfStep: number[]
  /** Seats held by more than one booking row (the UNIQUE constraint should make this empty). */
  doubleSold: { screeningId: number, seat: string, n: number }[]
}

const SCREENINGS_SQL = `
  SELECT s.id, s.capacity, s.seats_sold,
    (SELECT count(*) FROM booking_seats bs WHERE bs.screening_id = s.id) AS seat_rows,
    (SELECT coalesce(sum(b.quantity), 0) FROM bookings b WHERE b.screening_id = s.id AND b.status = 'confirmed') AS confirmed_seats
  FROM screenings s ORDER BY s.id`

const OUT_OF_STEP_SQL = `
  SELECT b.id FROM bookings b
  WHERE (b.status = 'confirmed' AND b.quantity <> (SELECT count(*) FROM booking_seats bs WHERE bs.booking_id = b.id))
     OR (b.status = 'cancelled' AND EXISTS (SELECT 1 FROM booking_seats bs WHERE bs.booking_id = b.id))
  ORDER BY b.id`

const DOUBLE_SQL = `
  SELECT screening_id, seat, count(*) AS n FROM booking_seats GROUP BY screening_id, seat HAVING count(*) > 1`

type Row = Record<string, unknown>

function snapshot(screenings: Row[], outOfStep: Row[], doubles: Row[]): DbSnapshot {
  return {
    screenings: screenings.map(r => ({
      id: Number(r.id),
      capacity: Number(r.capacity),
      seatsSold: Number(r.seats_sold),
      seatRows: Number(r.seat_rows),
      confirmedSeats: Number(r.confirmed_seats),
    })),
    bookingsOutOfStep: outOfStep.map(r => Number(r.id)),
    doubleSold: doubles.map(r => ({ screeningId: Number(r.screening_id), seat: String(r.seat), n: Number(r.n) })),
  }
}

/**
 * Reads the counters straight from a server's database, behind its back: the SQLite file
 * in its data dir opened read-only, or its PostgreSQL database.
 */
export async function inspectDb(target: { databaseUrl: string, dataDir: string }): Promise<DbSnapshot> {
  if (target.databaseUrl && dialectOfUrl(target.databaseUrl) === 'postgres') {
    const client = new pg.Client({ connectionString: target.databaseUrl })
    await client.connect()
    try {
      const [a, b, c] = [await client.query(SCREENINGS_SQL), await client.query(OUT_OF_STEP_SQL), await client.query(DOUBLE_SQL)]
      return snapshot(a.rows, b.rows, c.rows)
    }
    finally {
      await client.end()
    }
  }
  const sqlite = new Database(sqlitePath(target.databaseUrl, target.dataDir), { readonly: true, fileMustExist: true })
  try {
    return snapshot(sqlite.prepare(SCREENINGS_SQL).all() as Row[], sqlite.prepare(OUT_OF_STEP_SQL).all() as Row[], sqlite.prepare(DOUBLE_SQL).all() as Row[])
  }
  finally {
    sqlite.close()
  }
}
