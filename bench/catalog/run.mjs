#!/usr/bin/env node
// bench/catalog: how fast GET /api/shows?q=… answers on a large catalogue.
//
// 1. starts the built server on a fresh SQLite data dir (it migrates), stops it;
// 2. fills it with SHOWS shows (default 100k, 2 tags each) and SCREENINGS screenings
//    (default 1M) over 200 venues in 20 cities, straight through better-sqlite3;
// 3. restarts the server and runs autocannon against GET /api/shows with
//    a) one hot query (served from the short-lived cache after the first request),
//    b) varied queries (one common word × city × page: each matches ~6.5k shows, mostly
//       cache misses: the database's worst everyday work),
//    c) one show's title per request (what the header search box sends; all misses),
//    d) a bare h3 JSON handler in a child process: the baseline of the same run;
// 4. prints requests/s, p99 latency and the ratio of each to the baseline.
//
// Usage: npm run build && node bench/catalog/run.mjs   (SHOWS=… SCREENINGS=… DURATION=…)
import { fork } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import Database from 'better-sqlite3'
import { freePort, root, startApp, stopApp as stop } from '../lib.mjs'

const SHOWS = Number(process.env.SHOWS ?? 100_000)
const SCREENINGS = Number(process.env.SCREENINGS ?? 1_000_000)
const DURATION = Number(process.env.DURATION ?? 10)
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 32)

const WORDS = ['voyage', 'monsoon', 'circuit', 'stardust', 'orbit', 'tiger', 'paper', 'midnight', 'rhythm', 'iron', 'clock', 'neon', 'letters', 'hamlet', 'spice', 'carnatic', 'ghost', 'kites', 'blue', 'heist', 'astronomer', 'unplugged', 'silent', 'cricket', 'echoes', 'sadhu', 'peacock', 'chai', 'final', 'river']
const CITIES = Array.from({ length: 20 }, (_, i) => `City ${i + 1}`)

function fill(file) {
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = OFF')
  const now = Date.now()
  const iso = ms => new Date(ms).toISOString()
  const t0 = performance.now()
  db.transaction(() => {
    const venue = db.prepare('insert into venues (name, place, capacity, seats_per_row, timezone, created_at) values (?, ?, 200, 20, \'Asia/Kolkata\', ?)')
    for (let v = 0; v < 200; v++) venue.run(`Venue ${v + 1}`, CITIES[v % CITIES.length], iso(now))
    const show = db.prepare('insert into shows (name, description, rating, duration_minutes, ticket_price, created_at) values (?, ?, ?, 120, 20000, ?)')
    const tag = db.prepare('insert into show_tags (show_id, tag) values (?, ?)')
    const TAGS = ['drama', 'comedy', 'action', 'thriller', 'family', 'music', 'sci-fi', 'horror', 'romance', 'documentary']
    for (let s = 1; s <= SHOWS; s++) {
      const a = WORDS[s % WORDS.length]
      const b = WORDS[Math.floor(s / WORDS.length) % WORDS.length]
      show.run(`The ${a} of ${b} ${s}`, `A story about ${b} and ${WORDS[(s * 7) % WORDS.length]}.`, (s % 100) / 10, iso(now))
      tag.run(s, TAGS[s % TAGS.length])
      tag.run(s, TAGS[(s + 3) % TAGS.length])
    }
    const screening = db.prepare('insert into screenings (show_id, venue_id, starts_at, ends_at, local_date, price, capacity, seats_sold) values (?, ?, ?, ?, ?, 20000, 200, 0)')
    const slot = 30 * 86_400_000 / Math.ceil(SCREENINGS / 200)
    for (let i = 0; i < SCREENINGS; i++) {
      const venueId = (i % 200) + 1
      const start = now + 3_600_000 + Math.floor(i / 200) * slot
      screening.run((i * 7919) % SHOWS + 1, venueId, iso(start), iso(start + slot - 60_000), iso(start + 19_800_000).slice(0, 10))
    }
    // What the app keeps in step when it schedules a screening itself.
    db.prepare('update shows set next_screening_id = (select s.id from screenings s where s.show_id = shows.id and s.cancelled_at is null and s.starts_at > ? order by s.starts_at, s.id limit 1)').run(iso(now))
    db.prepare('update shows set next_starts_at = (select s.starts_at from screenings s where s.id = shows.next_screening_id)').run()
  })()
  db.pragma('optimize')
  db.close()
  return (performance.now() - t0) / 1000
}

async function load(title, url, requests) {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION, requests })
  const row = { title, 'req/s': Math.round(result.requests.average), 'p50 ms': result.latency.p50, 'p99 ms': result.latency.p99, 'errors': result.errors + result.non2xx }
  return row
}

const dataDir = mkdtempSync(join(tmpdir(), 'ticketshow-bench-'))
try {
  let app = await startApp(dataDir)
  await stop(app.child)
  console.log(`seeding ${SHOWS.toLocaleString()} shows and ${SCREENINGS.toLocaleString()} screenings…`)
  console.log(`  seeded in ${fill(join(dataDir, 'ticketshow.sqlite')).toFixed(1)} s`)
  app = await startApp(dataDir)

  const hot = await load('hot query (cached)', `${app.url}/api/shows?q=voyage`)
  let n = 0
  const varied = await load('varied queries (mostly uncached)', `${app.url}/api/shows`, [{
    setupRequest: (req) => {
      n++
      const q = WORDS[n % WORDS.length]
      const params = new URLSearchParams({ q, page: String(1 + (n % 7)) })
      if (n % 3 === 0) params.set('city', CITIES[n % CITIES.length])
      return { ...req, path: `/api/shows?${params}` }
    },
  }])
  let m = 0
  const titles = await load('one title each (uncached)', `${app.url}/api/shows`, [{
    setupRequest: (req) => {
      const s = 1 + ((m++ * 7919) % SHOWS)
      const title = `${WORDS[s % WORDS.length]} of ${WORDS[Math.floor(s / WORDS.length) % WORDS.length]} ${s}`
      return { ...req, path: `/api/shows?${new URLSearchParams({ q: title })}` }
    },
  }])
  await stop(app.child)

  const port = await freePort()
  const baseline = fork(join(root, 'bench/catalog/baseline.mjs'), { env: { ...process.env, PORT: String(port) } })
  await new Promise(resolve => baseline.once('message', resolve))
  const bare = await load('bare h3 JSON handler (baseline)', `http://127.0.0.1:${port}/api/shows`)
  await stop(baseline)

  for (const row of [hot, varied, titles]) row['ratio to baseline'] = (row['req/s'] / bare['req/s']).toFixed(3)
  bare['ratio to baseline'] = '1.000'
  console.log(`\nGET /api/shows on ${SHOWS.toLocaleString()} shows / ${SCREENINGS.toLocaleString()} screenings, ${CONNECTIONS} connections, ${DURATION} s each (SQLite)`)
  console.table([hot, varied, titles, bare])
}
finally {
  if (process.env.KEEP) console.log('kept', dataDir)
  else rmSync(dataDir, { recursive: true, force: true })
}
