#!/usr/bin/env node
// bench/reports: the monthly report over many users, through the built server, with the
// server's time and peak memory.
//
// 1. starts the built server once on a fresh SQLite data dir (it migrates), stops it;
// 2. seeds the database file directly (one transaction, prepared statements): USERS
//    approved users (all opted in), 8 cities × 5 venues, 30 shows with tags, two
//    screenings a day per venue over the last two months, and bookings: ACTIVE of the users
//    booked 1–3 times last month, half as many the month before (1–6 seats each, some
//    cancelled); "last month" is the server's (NUXT_DEFAULT_TIMEZONE, Asia/Kolkata);
// 3. starts the server again and runs POST /api/admin/tasks/reports:monthly: the same code
//    path the scheduler takes, in the process that serves requests;
// 4. prints the elapsed time, the emails enqueued, the outbox size per email, and the
//    server's peak memory: VmHWM (RSS high-water mark) before and after the run, from
//    /proc/<pid>/status.
//
// Usage: npm run build && node bench/reports/run.mjs   (USERS=100000 ACTIVE=0.3 BATCH=…)
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { call, startApp, stopApp } from '../lib.mjs'

/** The database file and its write-ahead log, in bytes. */
const fileSizes = file => statSync(file).size + (existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0)

const USERS = Number(process.env.USERS ?? 100_000)
const ACTIVE = Number(process.env.ACTIVE ?? 0.3)
const TZ = 'Asia/Kolkata'
const DAY = 86_400_000

/** VmHWM and VmRSS of a process, in MB. */
function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = name => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0)
  return { hwm: kb('VmHWM') / 1024, rss: kb('VmRSS') / 1024 }
}

/** The first instant of a month (YYYY-MM) in Kolkata (UTC+05:30, no DST). */
const monthStart = month => new Date(Date.parse(`${month}-01T00:00:00+05:30`))
const shiftMonth = (month, delta) => {
  const [y, m] = month.split('-').map(Number)
  return new Date(Date.UTC(y, m - 1 + delta, 1)).toISOString().slice(0, 7)
}

// A small deterministic PRNG, so runs are comparable.
let state = 42
const rand = () => {
  state = (state * 1_103_515_245 + 12_345) % 2_147_483_648
  return state / 2_147_483_648
}
const pick = list => list[Math.floor(rand() * list.length)]

function seed(file) {
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = OFF')
  const thisMonth = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit' }).format(new Date()).slice(0, 7)
  const last = shiftMonth(thisMonth, -1)
  const before = shiftMonth(thisMonth, -2)
  const periods = [
    { from: monthStart(before).getTime(), to: monthStart(last).getTime(), share: ACTIVE / 2 },
    { from: monthStart(last).getTime(), to: monthStart(thisMonth).getTime(), share: ACTIVE },
  ]
  const created = new Date(monthStart(before).getTime() - 30 * DAY).toISOString()
  const counts = { users: 0, screenings: 0, bookings: 0 }

  db.transaction(() => {
    const addUser = db.prepare(`INSERT INTO users (username, email, password_hash, role, approved_at, email_opt_in, created_at) VALUES (?, ?, 'x', 'user', ?, 1, ?)`)
    for (let i = 0; i < USERS; i++) addUser.run(`member${i}`, `member${i}@bench.test`, created, created)
    counts.users = USERS

    const addVenue = db.prepare(`INSERT INTO venues (name, place, capacity, seats_per_row, timezone, created_at) VALUES (?, ?, 300, 20, ?, ?) RETURNING id`)
    const venues = []
    for (const city of ['Mumbai', 'Pune', 'Delhi', 'Bengaluru', 'Chennai', 'Kolkata', 'Hyderabad', 'Jaipur']) {
      for (let v = 1; v <= 5; v++) venues.push(addVenue.get(`${city} Screen ${v}`, city, TZ, created).id)
    }
    const addShow = db.prepare(`INSERT INTO shows (name, description, rating, duration_minutes, ticket_price, poster_key, created_at) VALUES (?, '', 7.5, 120, ?, NULL, ?) RETURNING id`)
    const addTag = db.prepare(`INSERT INTO show_tags (show_id, tag) VALUES (?, ?)`)
    const tags = ['drama', 'comedy', 'thriller', 'family', 'action', 'music', 'romance', 'documentary']
    const shows = []
    for (let s = 1; s <= 30; s++) {
      const price = 15_000 + (s % 5) * 5_000
      const id = addShow.get(`Show ${s}`, price, created).id
      shows.push({ id, price })
      addTag.run(id, tags[s % tags.length])
      addTag.run(id, tags[(s * 3 + 1) % tags.length])
    }

    const addScreening = db.prepare(`INSERT INTO screenings (show_id, venue_id, starts_at, ends_at, local_date, price, capacity, seats_sold) VALUES (?, ?, ?, ?, ?, ?, 300, 0) RETURNING id`)
    const screenings = []
    for (let day = monthStart(before).getTime(); day < monthStart(thisMonth).getTime() + 15 * DAY; day += DAY) {
      for (const venue of venues) {
        for (const hour of [14, 19]) {
          const show = pick(shows)
          const starts = new Date(day + hour * 3_600_000 - 5.5 * 3_600_000) // hour:00 in Kolkata
          const localDate = new Date(starts.getTime() + 5.5 * 3_600_000).toISOString().slice(0, 10)
          const id = addScreening.get(show.id, venue, starts.toISOString(), new Date(starts.getTime() + 2 * 3_600_000).toISOString(), localDate, show.price).id
          screenings.push({ id, starts: starts.getTime(), price: show.price })
        }
      }
    }
    counts.screenings = screenings.length
    screenings.sort((a, b) => a.starts - b.starts)
    const firstAfter = (t) => {
      let lo = 0
      let hi = screenings.length
      while (lo < hi) {
        const mid = (lo + hi) >> 1
        if (screenings[mid].starts > t) hi = mid
        else lo = mid + 1
      }
      return lo
    }

    const addBooking = db.prepare(`INSERT INTO bookings (reference, user_id, screening_id, quantity, unit_price, total, status, seats, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    let ref = 0
    for (const period of periods) {
      for (let user = 1; user <= USERS; user++) {
        if (rand() >= period.share) continue
        const n = 1 + Math.floor(rand() * 3)
        for (let b = 0; b < n; b++) {
          const at = period.from + Math.floor(rand() * (period.to - period.from))
          // a screening after the booking (within two weeks of it)
          const lo = firstAfter(at)
          const hi = Math.max(lo + 1, firstAfter(at + 14 * DAY))
          const screening = screenings[Math.min(screenings.length - 1, lo + Math.floor(rand() * (hi - lo)))]
          const quantity = 1 + Math.floor(rand() * 6)
          const seats = Array.from({ length: quantity }, (_, k) => `A${k + 1}`).join(',')
          const iso = new Date(at).toISOString()
          addBooking.run(`B${(ref++).toString(36).toUpperCase().padStart(7, '0')}`, user + 1, screening.id, quantity, screening.price, screening.price * quantity, rand() < 0.1 ? 'cancelled' : 'confirmed', seats, iso, iso)
          counts.bookings++
        }
      }
    }
  })()
  db.close()
  return { ...counts, month: last }
}

/** POST without a client-side timeout (a long run must not be cut off by fetch's). */
function post(url, path, token) {
  return new Promise((resolve, reject) => {
    const req = request(url + path, { method: 'POST', headers: { authorization: `Bearer ${token}` } }, (res) => {
      let body = ''
      res.on('data', (d) => {
        body += d
      })
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(body)) : reject(new Error(`${res.statusCode} ${body}`))))
    })
    req.on('error', reject)
    req.end()
  })
}

const dataDir = mkdtempSync(join(tmpdir(), 'ticketshow-bench-reports-'))
const file = join(dataDir, 'ticketshow.sqlite')
try {
  const first = await startApp(dataDir)
  await stopApp(first.child)

  let t = performance.now()
  const seeded = seed(file)
  console.log(`seeded ${seeded.users} users, ${seeded.screenings} screenings, ${seeded.bookings} bookings over two months in ${((performance.now() - t) / 1000).toFixed(1)} s`)

  const app = await startApp(dataDir)
  try {
    const admin = (await call(app.url, 'POST', '/api/auth/login', { body: { username: 'admin', password: 'bench-admin-password' } })).token
    const idle = memoryOf(app.child.pid)
    const sizeBefore = fileSizes(file)
    t = performance.now()
    const { result } = await post(app.url, '/api/admin/tasks/reports:monthly', admin)
    const seconds = (performance.now() - t) / 1000
    const after = memoryOf(app.child.pid)

    const db = new Database(file, { readonly: true })
    const size = db.prepare(`SELECT count(*) AS n, avg(length(html)) AS html, avg(length(text)) AS text, avg(coalesce(length(attachments), 0)) AS attachments, avg(coalesce(length(template), 0)) AS template FROM outbox WHERE kind = 'report'`).get()
    db.close()
    const sizeAfter = fileSizes(file)

    console.log(`\nreports:monthly for ${result.month} over ${result.users} opted-in users`)
    console.log(`  elapsed          ${seconds.toFixed(1)} s (${Math.round(result.users / seconds)} users/s, ${Math.round(result.reports / seconds)} reports/s)`)
    console.log(`  emails enqueued  ${result.reports}`)
    console.log(`  per email        html ${(size.html / 1024).toFixed(1)} KB, text ${(size.text / 1024).toFixed(1)} KB, attachments (base64 JSON) ${(size.attachments / 1024).toFixed(1)} KB, template data ${(size.template / 1024).toFixed(1)} KB`)
    console.log(`  database file    ${(sizeAfter / 1024 / 1024).toFixed(0)} MB with its WAL, grown by ${((sizeAfter - sizeBefore) / 1024 / 1024).toFixed(0)} MB in the run`)
    console.log(`  server memory    peak RSS (VmHWM) ${idle.hwm.toFixed(0)} MB before the run, ${after.hwm.toFixed(0)} MB after; RSS now ${after.rss.toFixed(0)} MB`)
  }
  finally {
    await stopApp(app.child)
  }
}
finally {
  if (process.env.KEEP_DATA) console.log(`kept ${dataDir}`)
  else rmSync(dataDir, { recursive: true, force: true })
}
