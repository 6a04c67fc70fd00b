#!/usr/bin/env node
// bench/pages: how fast the public pages answer on the built server, against a bare h3
// handler in the same run.
//
// 1. starts the built server on a fresh SQLite data dir with the demo catalogue;
// 2. runs autocannon against the home page, a show, a venue and a screening page (as a
//    browser asks: Accept text/html, Accept-Encoding gzip, br), each after two seconds of
//    warm-up, then the cached GET /api/shows;
// 3. does the same for the four pages on a second server with NUXT_PAGE_CACHE=false, where
//    every request renders the page (a forced miss);
// 4. runs a bare h3 JSON handler in a child process, measured again right after each row
//    (a shared machine's speed drifts within minutes: the bare handler did 15,000 to 44,000
//    req/s in runs an hour apart), and prints requests/s, p50 and p99 latency, the bytes
//    sent for each answer and the ratio of each row's rate to the bare handler's next to it.
//
// Usage: npm run build && npm run bench:pages   (DURATION=… CONNECTIONS=…)
import { fork } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { call, freePort, root, startApp, stopApp, waitForDemo } from '../lib.mjs'

const DURATION = Number(process.env.DURATION ?? 8)
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 32)
const HEADERS = { 'accept': 'text/html,application/xhtml+xml', 'accept-encoding': 'gzip, br' }

async function load(title, url, path, { headers = HEADERS } = {}) {
  const probe = await fetch(url + path, { headers })
  await probe.arrayBuffer()
  await autocannon({ url: url + path, connections: CONNECTIONS, duration: 2, headers })
  const result = await autocannon({ url: url + path, connections: CONNECTIONS, duration: DURATION, headers })
  return {
    'title': title,
    'req/s': Math.round(result.requests.average),
    'p50 ms': result.latency.p50,
    'p99 ms': result.latency.p99,
    'bytes sent': Math.round(result.throughput.total / Math.max(1, result.requests.total)),
    'encoding': probe.headers.get('content-encoding') ?? 'none',
    'errors': result.errors + result.non2xx,
  }
}

/** The demo catalogue's first show, one of its screenings, and that screening's venue. */
async function pagesOf(url) {
  await waitForDemo(url)
  const show = (await call(url, 'GET', '/api/shows?pageSize=1')).items[0]
  const screening = (await call(url, 'GET', `/api/shows/${show.id}`)).screenings[0]
  return [['/', 'home'], [`/shows/${show.id}`, 'a show'], [`/venues/${screening.venue.id}`, 'a venue'], [`/screenings/${screening.id}`, 'a screening']]
}

const dataDir = mkdtempSync(join(tmpdir(), 'ticketshow-bench-pages-'))
const port = await freePort()
const baseline = fork(join(root, 'bench/catalog/baseline.mjs'), { env: { ...process.env, PORT: String(port) } })
await new Promise(resolve => baseline.once('message', resolve))
const bareRates = []
/** A row, then the bare handler at once, for the ratio of the two. */
async function measured(...args) {
  const row = await load(...args)
  const bare = await load('bare h3 JSON handler (baseline)', `http://127.0.0.1:${port}`, '/api/shows', { headers: {} })
  bareRates.push(bare['req/s'])
  row['bare req/s'] = bare['req/s']
  row['ratio'] = (row['req/s'] / bare['req/s']).toFixed(3)
  return row
}
try {
  const rows = []
  let app = await startApp(dataDir, { NUXT_SEED_DEMO: 'true' })
  const pages = await pagesOf(app.url)
  for (const [path, name] of pages) rows.push(await measured(`${name} (${path}), cached`, app.url, path))
  rows.push(await measured('GET /api/shows (cached)', app.url, '/api/shows', { headers: { 'accept': 'application/json', 'accept-encoding': 'gzip, br' } }))
  await stopApp(app.child)
  app = await startApp(dataDir, { NUXT_PAGE_CACHE: 'false' })
  for (const [path, name] of pages) rows.push(await measured(`${name}, forced miss (rendered)`, app.url, path))
  await stopApp(app.child)

  console.log(`\nPublic pages, demo catalogue, ${CONNECTIONS} connections, ${DURATION} s each (SQLite); the bare h3 handler did ${Math.min(...bareRates)}–${Math.max(...bareRates)} req/s`)
  console.table(rows)
}
finally {
  await stopApp(baseline)
  rmSync(dataDir, { recursive: true, force: true })
}
