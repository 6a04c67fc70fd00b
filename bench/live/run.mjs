#!/usr/bin/env node
// bench/live: the live seat map (GET /api/screenings/{id}/live) on two instances sharing
// PostgreSQL (LISTEN/NOTIFY; REDIS=1 for Redis pub/sub instead).
//
// 1. starts instances A and B of the built server on a fresh database; makes SCREENINGS
//    screenings of 5,000 seats and USERS approved users;
// 2. latency: a stream open on B; SAMPLES bookings, one after another, through A; for each,
//    the time from A's 201 to B's event that has the booked seat taken. Prints p50, p95 and
//    the worst (target: p95 <= 1 s);
// 3. cost: bookings through B for DURATION s (autocannon, CONNECTIONS connections, quantity
//    1, round robin over users and screenings) with no stream open, then with STREAMS
//    streams open on B spread over the screenings being booked (each booking a change they
//    are told of); B's resident memory before and after opening them. Prints the extra RSS
//    (target: <= 100 MB) and the booking rate with streams as a ratio of the rate without
//    (the mean of a run before opening them and one after closing them; target: >= 0.8).
//
// Usage: npm run build && node bench/live/run.mjs   (STREAMS=… SAMPLES=… DURATION=… REDIS=1)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import autocannon from 'autocannon'
import pg from 'pg'
import { call, startApp, stopApp } from '../lib.mjs'

const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const STREAMS = Number(process.env.STREAMS ?? 1000)
const SAMPLES = Number(process.env.SAMPLES ?? 100)
const DURATION = Number(process.env.DURATION ?? 10)
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 32)
const USERS = Number(process.env.USERS ?? 32)
const SCREENINGS = Number(process.env.SCREENINGS ?? 10)
const SECRET = 'bench-live-secret-0123456789abcdefghijkl'

// Node's fetch keeps as many connections to one server as are asked for, and a stream's ping
// every 25 s keeps its body from timing out.

/** Opens a stream; `onSeats` gets each `seats` event's data. Resolves once the first event is in. */
async function openStream(url, screeningId, onSeats) {
  const controller = new AbortController()
  const res = await fetch(`${url}/api/screenings/${screeningId}/live`, { signal: controller.signal })
  if (res.status !== 200) throw new Error(`live: ${res.status}`)
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
  let first
  const firstIn = new Promise((resolve) => {
    first = resolve
  })
  void (async () => {
    let buffer = ''
    try {
      for (;;) {
        const { value, done } = await reader.read()
        if (done) return
        buffer += value
        let end
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const name = /^event: (.*)$/m.exec(block)?.[1]
          if (name !== 'seats' && name !== 'change') continue
          const data = JSON.parse(/^data: (.*)$/m.exec(block)[1])
          first()
          // The snapshot's taken seats, or a change's newly taken ones.
          onSeats?.(data, performance.now())
        }
      }
    }
    catch { /* closed */ }
  })()
  await firstIn
  return () => controller.abort()
}

const rssMb = pid => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024
const pct = (xs, p) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(p * xs.length) - 1)]

async function bookings(url, world) {
  let n = 0
  const result = await autocannon({
    url: `${url}/api/bookings`,
    connections: CONNECTIONS,
    duration: DURATION,
    requests: [{
      method: 'POST',
      setupRequest: (req) => {
        n++
        return { ...req, headers: { 'content-type': 'application/json', 'authorization': `Bearer ${world.tokens[n % world.tokens.length]}` }, body: JSON.stringify({ screeningId: world.screenings[n % world.screenings.length], quantity: 1 }) }
      },
    }],
  })
  if (result.non2xx) console.warn(`  (${result.non2xx} answers were not 2xx)`)
  return result.requests.average
}

const name = `ticketshow_bench_live_${process.pid}`
const admin = new pg.Client({ connectionString: PG_URL })
await admin.connect()
await admin.query(`create database ${name}`)
const databaseUrl = Object.assign(new URL(PG_URL), { pathname: `/${name}` }).toString()
const dirs = [mkdtempSync(join(tmpdir(), 'bench-live-a-')), mkdtempSync(join(tmpdir(), 'bench-live-b-'))]
const env = { NUXT_DATABASE_URL: databaseUrl, NUXT_AUTH_SECRET: SECRET, ...(process.env.REDIS && { NUXT_REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' }) }
const a = await startApp(dirs[0], env)
const b = await startApp(dirs[1], env)
try {
  const token = (await call(a.url, 'POST', '/api/auth/login', { body: { username: 'admin', password: 'bench-admin-password' } })).token
  const show = await call(a.url, 'POST', '/api/shows', { token, body: { name: 'Live Bench', ticketPrice: 20000 } })
  const startsAt = new Date(Date.now() + 7 * 86_400_000).toISOString()
  const world = { screenings: [], tokens: [] }
  for (let i = 0; i < SCREENINGS; i++) {
    const venue = await call(a.url, 'POST', '/api/venues', { token, body: { name: `Live Arena ${i}`, place: 'Bench City', capacity: 5000, seatsPerRow: 50 } })
    world.screenings.push((await call(a.url, 'POST', '/api/screenings', { token, body: { showId: show.id, venueId: venue.id, startsAt } })).id)
  }
  for (let i = 0; i < USERS; i++) {
    const username = `live${i}`
    const { user } = await call(a.url, 'POST', '/api/auth/register', { body: { username, email: `${username}@bench.test`, password: 'bench-password-1' } })
    await call(a.url, 'POST', `/api/users/${user.id}/approve`, { token })
    world.tokens.push((await call(a.url, 'POST', '/api/auth/login', { body: { username, password: 'bench-password-1' } })).token)
  }

  // 2. A booking through A, seen on B's stream.
  const waiting = new Map()
  const close = await openStream(b.url, world.screenings[0], (state, at) => {
    for (const seat of state.taken) {
      const w = waiting.get(seat)
      if (w) {
        waiting.delete(seat)
        w(at)
      }
    }
  })
  const latencies = []
  for (let i = 0; i < SAMPLES; i++) {
    const res = await fetch(`${a.url}/api/bookings`, { method: 'POST', headers: { 'content-type': 'application/json', 'authorization': `Bearer ${world.tokens[i % USERS]}` }, body: JSON.stringify({ screeningId: world.screenings[0], quantity: 1 }) })
    const answered = performance.now()
    const booking = await res.json()
    if (res.status !== 201) throw new Error(`booking: ${res.status} ${JSON.stringify(booking)}`)
    const seen = await Promise.race([
      new Promise(resolve => waiting.set(booking.seats[0], resolve)),
      new Promise(resolve => setTimeout(() => resolve(Number.NaN), 5000)),
    ])
    latencies.push(seen - answered)
  }
  close()
  const missed = latencies.filter(Number.isNaN).length
  const seenMs = latencies.filter(x => !Number.isNaN(x)).map(x => Math.max(0, x))
  console.log(`live on ${process.env.REDIS ? 'Redis pub/sub' : 'PostgreSQL LISTEN/NOTIFY'}: booked through A, seen on B's stream after p50 ${pct(seenMs, 0.5).toFixed(1)} ms, p95 ${pct(seenMs, 0.95).toFixed(1)} ms, worst ${Math.max(...seenMs).toFixed(1)} ms (${SAMPLES} bookings, ${missed} not seen within 5 s; target p95 <= 1000 ms)`)

  // 3. The cost of STREAMS open streams on B.
  await bookings(b.url, world) // warm-up
  const without = await bookings(b.url, world)
  const rssBefore = rssMb(b.child.pid)
  // The streams are held by a process of their own (holder.mjs): browsers elsewhere.
  const holder = spawn(process.execPath, [new URL('./holder.mjs', import.meta.url).pathname, b.url, String(STREAMS), ...world.screenings.map(String)], { stdio: ['ignore', 'pipe', 'inherit'] })
  await new Promise((resolve, reject) => {
    holder.stdout.on('data', d => String(d).includes('ready') && resolve())
    holder.once('exit', code => reject(new Error(`the stream holder exited (${code})`)))
  })
  await new Promise(resolve => setTimeout(resolve, 2000))
  const rssAfter = rssMb(b.child.pid)
  const withStreams = await bookings(b.url, world)
  holder.kill()
  await once(holder, 'exit')
  // Without streams again, so a machine busier (or quieter) in one phase skews neither way.
  const withoutAgain = await bookings(b.url, world)
  const baseline = (without + withoutAgain) / 2
  console.log(`${STREAMS} streams on one instance: +${(rssAfter - rssBefore).toFixed(1)} MB RSS (${rssBefore.toFixed(0)} → ${rssAfter.toFixed(0)} MB; target <= 100 MB)`)
  console.log(`bookings/s through that instance: ${without.toFixed(0)} and ${withoutAgain.toFixed(0)} without streams (before and after), ${withStreams.toFixed(0)} with them: ratio ${(withStreams / baseline).toFixed(2)} (target >= 0.8)`)
}
finally {
  await stopApp(a.child)
  await stopApp(b.child)
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
  await admin.query(`drop database if exists ${name} with (force)`)
  await admin.end()
}
