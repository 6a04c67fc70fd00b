#!/usr/bin/env node
// bench/booking: how many durable bookings per second the server takes, against the raw
// rate of the same transaction run in-process on better-sqlite3, measured in the same run.
//
// 1. starts the built server on a fresh SQLite data dir; makes USERS approved users,
//    SCREENINGS screenings of 5,000 seats at separate venues;
// 2. autocannon: CONNECTIONS connections for DURATION s of POST /api/bookings
//    {screeningId, quantity: 1}, round robin over users and screenings, measured after a
//    WARMUP s run of the same load (the server compiles its code on first use; a server
//    in service is warm), whose figures are printed beside;
// 3. flash sale: 1,000 buyers at once (1,000 connections, one request each) for a
//    100-seat screening: sold, refused (409) and errors must be 100, 900, 0;
// 4. stops the server and runs the same transaction (conditional counter update, read of
//    the taken seats, booking insert, seat insert, in WAL with synchronous=FULL) in a
//    loop on a copy of its database file: the raw durable rate;
// 5. prints bookings/s, p50/p99 and the ratio server/raw (target: ratio >= 0.5, p99 <= 50 ms).
//
// DB=postgres: the same load on PostgreSQL (PG_URL, default the local server's `test`
// database; a fresh database is made and dropped), on INSTANCES (1 or 2) servers sharing it,
// the connections split between them; then `pgbench -N` (CONNECTIONS/2 clients, the same
// DURATION) on a database of its own on the same server, in the same run. Prints
// bookings/s, p99 and the ratio server/pgbench (target: ratio >= 0.5, p99 <= 100 ms, two
// instances no slower than one).
//
// Usage: npm run build && node bench/booking/run.mjs   (DURATION=… CONNECTIONS=… DB=postgres INSTANCES=2)
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import Database from 'better-sqlite3'
import pg from 'pg'
import { call, startApp, stopApp } from '../lib.mjs'

const DURATION = Number(process.env.DURATION ?? 10)
const WARMUP = Number(process.env.WARMUP ?? 2)
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 64)
const USERS = Number(process.env.USERS ?? 64)
const SCREENINGS = Number(process.env.SCREENINGS ?? 20)
const RAW_BOOKINGS = Number(process.env.RAW_BOOKINGS ?? 5000)

const DB = process.env.DB ?? 'sqlite'
const INSTANCES = Number(process.env.INSTANCES ?? 1)
const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** A catalogue to book from and approved users with their tokens, made through `url`. */
async function setUp(url) {
  const admin = (await call(url, 'POST', '/api/auth/login', { body: { username: 'admin', password: 'bench-admin-password' } })).token
  const show = await call(url, 'POST', '/api/shows', { token: admin, body: { name: 'Benchmark Live', tags: ['bench'], ticketPrice: 20000, durationMinutes: 120 } })
  const startsAt = new Date(Date.now() + 7 * 86_400_000).toISOString()
  const screenings = []
  for (let i = 0; i < SCREENINGS; i++) {
    const venue = await call(url, 'POST', '/api/venues', { token: admin, body: { name: `Arena ${i + 1}`, place: 'Bench City', capacity: 5000, seatsPerRow: 50 } })
    screenings.push((await call(url, 'POST', '/api/screenings', { token: admin, body: { showId: show.id, venueId: venue.id, startsAt } })).id)
  }
  const tokens = []
  for (let i = 0; i < USERS; i++) {
    const username = `buyer${i}`
    const { user } = await call(url, 'POST', '/api/auth/register', { body: { username, email: `${username}@bench.test`, password: 'bench-password-1' } })
    await call(url, 'POST', `/api/users/${user.id}/approve`, { token: admin })
    tokens.push((await call(url, 'POST', '/api/auth/login', { body: { username, password: 'bench-password-1' } })).token)
  }
  return { admin, show, startsAt, screenings, tokens }
}

/** POST /api/bookings {screeningId, quantity: 1} at `connections`, round robin over users and screenings. */
function bookingLoad(url, connections, world, { screening, ...opts } = {}) {
  let n = 0
  return autocannon({
    url: `${url}/api/bookings`,
    connections,
    ...opts,
    requests: [{
      method: 'POST',
      setupRequest: (req) => {
        n++
        return {
          ...req,
          headers: { 'content-type': 'application/json', 'authorization': `Bearer ${world.tokens[n % world.tokens.length]}` },
          body: JSON.stringify({ screeningId: screening ?? world.screenings[n % world.screenings.length], quantity: 1 }),
        }
      },
    }],
  })
}

const codesOf = result => Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([c, v]) => [c, v.count]))

/** Flash sale: 1,000 buyers at once for a 100-seat screening, split over the servers at `urls`. */
async function flashSale(urls, world) {
  const hall = await call(urls[0], 'POST', '/api/venues', { token: world.admin, body: { name: 'Flash Hall', place: 'Bench City', capacity: 100, seatsPerRow: 10 } })
  const flash = (await call(urls[0], 'POST', '/api/screenings', { token: world.admin, body: { showId: world.show.id, venueId: hall.id, startsAt: world.startsAt } })).id
  const share = Math.ceil(1000 / urls.length)
  const sales = await Promise.all(urls.map(url => bookingLoad(url, share, world, { amount: share, screening: flash })))
  const saleCodes = {}
  for (const codes of sales.map(codesOf)) {
    for (const [k, v] of Object.entries(codes)) saleCodes[k] = (saleCodes[k] ?? 0) + v
  }
  return { saleCodes, flashState: await call(urls[0], 'GET', `/api/screenings/${flash}`) }
}

async function createDatabase(name) {
  const admin = new pg.Client({ connectionString: PG_URL })
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
  await admin.query(`CREATE DATABASE "${name}"`)
  await admin.end()
  const url = new URL(PG_URL)
  url.pathname = `/${name}`
  return url.toString()
}

async function dropDatabase(name) {
  const admin = new pg.Client({ connectionString: PG_URL })
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
  await admin.end()
}

async function runPostgres() {
  const name = `ts_bench_${Date.now().toString(36)}`
  const databaseUrl = await createDatabase(name)
  const dataDirs = []
  const apps = []
  try {
    for (let i = 0; i < INSTANCES; i++) {
      const dir = mkdtempSync(join(tmpdir(), 'ticketshow-bench-booking-'))
      dataDirs.push(dir)
      apps.push(await startApp(dir, { NUXT_DATABASE_URL: databaseUrl, NUXT_AUTH_SECRET: 'bench-booking-secret-0123456789abcdefghijkl' }))
    }
    const world = await setUp(apps[0].url)
    const share = Math.ceil(CONNECTIONS / INSTANCES)
    const loads = await Promise.all(apps.map(app => bookingLoad(app.url, share, world, { duration: DURATION, ...(WARMUP > 0 && { warmup: { connections: share, duration: WARMUP } }) })))
    const created = loads.reduce((sum, l) => sum + (codesOf(l)['201'] ?? 0), 0)
    const statuses = loads.map(codesOf)
    const p99 = Math.max(...loads.map(l => l.latency.p99))
    const p50 = Math.max(...loads.map(l => l.latency.p50))

    const { saleCodes, flashState } = await flashSale(apps.map(app => app.url), world)
    for (const app of apps) await stopApp(app.child)

    // pgbench -N on the same server, in the same run.
    const benchDb = `${name}_pgbench`
    const pgbenchUrl = await createDatabase(benchDb)
    const clients = Math.max(1, Math.floor(CONNECTIONS / 2))
    let tps = 0
    try {
      execFileSync('pgbench', ['-i', '-q', '-s', '10', pgbenchUrl], { stdio: 'ignore' })
      const out = execFileSync('pgbench', ['-N', '-n', '-c', String(clients), '-j', '2', '-T', String(DURATION), pgbenchUrl], { encoding: 'utf8' })
      tps = Number(/tps = ([\d.]+)/.exec(out)?.[1] ?? 0)
    }
    finally {
      await dropDatabase(benchDb)
    }
    const rate = created / DURATION
    console.log(`\nPOST /api/bookings, ${CONNECTIONS} connections over ${INSTANCES} instance${INSTANCES > 1 ? 's' : ''}, ${DURATION} s, PostgreSQL`)
    console.table([
      { what: 'server: bookings/s', value: rate.toFixed(0) },
      { what: 'server: p50 / p99 latency (ms, the worst instance)', value: `${p50} / ${p99}` },
      { what: 'server: responses by status, per instance', value: JSON.stringify(statuses) },
      { what: `pgbench -N -c ${clients} -j 2: transactions/s`, value: tps.toFixed(0) },
      { what: 'ratio server / pgbench (target >= 0.5)', value: (rate / tps).toFixed(3) },
    ])
    console.log('\nFlash sale: 1,000 buyers at once for 100 seats')
    console.table([{ sold: saleCodes['201'] ?? 0, refused: saleCodes['409'] ?? 0, errors: 1000 - (saleCodes['201'] ?? 0) - (saleCodes['409'] ?? 0), seatsLeft: flashState.seatsLeft }])
  }
  finally {
    for (const app of apps) await stopApp(app.child)
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true })
    await dropDatabase(name)
  }
}

if (DB === 'postgres') {
  await runPostgres()
  process.exit(0)
}

const dataDir = mkdtempSync(join(tmpdir(), 'ticketshow-bench-booking-'))
try {
  const app = await startApp(dataDir)
  const world = await setUp(app.url)
  const load = await bookingLoad(app.url, CONNECTIONS, world, { duration: DURATION, ...(WARMUP > 0 && { warmup: { connections: CONNECTIONS, duration: WARMUP } }) })
  const statuses = codesOf(load)
  const { saleCodes, flashState } = await flashSale([app.url], world)
  await stopApp(app.child)

  // The raw durable rate of the same transaction, in process, on a copy of that database.
  const file = join(dataDir, 'raw.sqlite')
  // Fold the server's write-ahead log into its database file first, so the copy is complete.
  const served = new Database(join(dataDir, 'ticketshow.sqlite'))
  served.pragma('wal_checkpoint(TRUNCATE)')
  served.close()
  copyFileSync(join(dataDir, 'ticketshow.sqlite'), file)
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  const screeningId = db.prepare('insert into screenings (show_id, venue_id, starts_at, ends_at, local_date, price, capacity, seats_sold) values (?, 1, ?, ?, \'\', 20000, 5000, 0)')
    .run(world.show.id, '2099-01-01T10:00:00.000Z', '2099-01-01T12:15:00.000Z').lastInsertRowid
  const claim = db.prepare('update screenings set seats_sold = seats_sold + 1 where id = ? and cancelled_at is null and seats_sold + 1 <= capacity')
  const taken = db.prepare('select group_concat(seat, \',\') as seats from booking_seats where screening_id = ?')
  const insertBooking = db.prepare('insert into bookings (reference, user_id, screening_id, quantity, unit_price, total, status, seats, created_at, updated_at) values (?, 2, ?, 1, 20000, 20000, \'confirmed\', ?, ?, ?)')
  const insertSeat = db.prepare('insert into booking_seats (screening_id, seat, booking_id) values (?, ?, ?)')
  const book = db.transaction((i) => {
    if (claim.run(screeningId).changes !== 1) throw new Error('sold out')
    const { seats } = taken.get(screeningId)
    const held = new Set(seats ? seats.split(',') : [])
    let seat
    for (let k = 0; !seat; k++) if (!held.has(`S${k}`)) seat = `S${k}`
    const now = new Date().toISOString()
    const id = insertBooking.run(`RAW${i}`, screeningId, seat, now, now).lastInsertRowid
    insertSeat.run(screeningId, seat, id)
  })
  const total = Math.min(RAW_BOOKINGS, 5000)
  const t0 = performance.now()
  for (let i = 0; i < total; i++) book(i)
  const rawRate = total / ((performance.now() - t0) / 1000)
  db.close()

  const created = statuses['201'] ?? 0
  const serverRate = created / DURATION
  console.log(`\nPOST /api/bookings, ${CONNECTIONS} connections, ${DURATION} s, SQLite (WAL, synchronous=FULL)`)
  console.table([
    { what: 'server: bookings/s', value: serverRate.toFixed(0) },
    { what: 'server: p50 / p99 latency (ms)', value: `${load.latency.p50} / ${load.latency.p99}` },
    { what: 'server: p75 / p90 / p97.5 / max (ms)', value: `${load.latency.p75} / ${load.latency.p90} / ${load.latency.p97_5} / ${load.latency.max}` },
    { what: 'server: responses by status', value: JSON.stringify(statuses) },
    ...(load.warmup ? [{ what: `warm-up (${WARMUP} s, not counted): bookings/s, p50 / p99 / max (ms)`, value: `${(load.warmup.requests.total / WARMUP).toFixed(0)}, ${load.warmup.latency.p50} / ${load.warmup.latency.p99} / ${load.warmup.latency.max}` }] : []),
    { what: 'raw in-process transaction: bookings/s', value: rawRate.toFixed(0) },
    { what: 'ratio server / raw (target >= 0.5)', value: (serverRate / rawRate).toFixed(3) },
  ])
  console.log('\nFlash sale: 1,000 buyers at once for 100 seats')
  console.table([{ sold: saleCodes['201'] ?? 0, refused: saleCodes['409'] ?? 0, errors: 1000 - (saleCodes['201'] ?? 0) - (saleCodes['409'] ?? 0), seatsLeft: flashState.seatsLeft }])
}
finally {
  rmSync(dataDir, { recursive: true, force: true })
}
