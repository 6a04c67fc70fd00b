#!/usr/bin/env node
// bench/pages: how fast the public pages answer on the built server, against a bare h3
// handler in the same run.
//
// 1. starts the built server on a fresh SQLite data dir with the demo catalogue;
// 2. runs autocannon against the home page, a show, a venue and a screening page (as a
//    browser asks: Accept text/html, Accept-Encoding gzip, br), each once as cached pages
//    are served and once forced past the cache (a query string no one else sends), then
//    the cached GET /api/shows, then a bare h3 JSON handler in a child process;
// 3. prints requests/s, p50 and p99 latency, the bytes of each answer and the ratio of
//    each row's rate to the bare handler's.
//
// Usage: npm run build && npm run bench:pages   (DURATION=… CONNECTIONS=…)
import { fork } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { call, freePort, root, startApp, stopApp } from '../lib.mjs'

const DURATION = Number(process.env.DURATION ?? 8)
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 32)
const HEADERS = { 'accept': 'text/html,application/xhtml+xml', 'accept-encoding': 'gzip, br' }

async function load(title, url, path, { miss = false, headers = HEADERS } = {}) {
  let n = 0
  const requests = miss ? [{ setupRequest: req => ({ ...req, path: `${path}${path.includes('?') ? '&' : '?'}miss=${n++}` }) }] : undefined
  const probe = await fetch(url + path, { headers })
  const bytes = (await probe.arrayBuffer()).byteLength
  const result = await autocannon({ url: url + path, connections: CONNECTIONS, duration: DURATION, headers, requests })
  return {
    'title': title,
    'req/s': Math.round(result.requests.average),
    'p50 ms': result.latency.p50,
    'p99 ms': result.latency.p99,
    'bytes': bytes,
    'encoding': probe.headers.get('content-encoding') ?? 'none',
    'errors': result.errors + result.non2xx,
  }
}

const dataDir = mkdtempSync(join(tmpdir(), 'ticketshow-bench-pages-'))
try {
  const app = await startApp(dataDir, { NUXT_SEED_DEMO: 'true' })
  const token = (await call(app.url, 'POST', '/api/auth/login', { body: { username: 'admin', password: 'bench-admin-password' } })).token
  for (let i = 0; i < 600; i++) {
    const shows = await call(app.url, 'GET', '/api/shows?pageSize=1', { token })
    if (shows.total > 0) break
    await new Promise(r => setTimeout(r, 100))
  }
  const show = (await call(app.url, 'GET', '/api/shows?pageSize=1')).items[0]
  const detail = await call(app.url, 'GET', `/api/shows/${show.id}`)
  const screening = detail.screenings[0]
  const pages = [['/', 'home'], [`/shows/${show.id}`, 'a show'], [`/venues/${screening.venue.id}`, 'a venue'], [`/screenings/${screening.id}`, 'a screening']]
  const rows = []
  for (const [path, name] of pages) {
    rows.push(await load(`${name} (${path})`, app.url, path))
    rows.push(await load(`${name}, forced miss`, app.url, path, { miss: true }))
  }
  rows.push(await load('GET /api/shows (cached)', app.url, '/api/shows', { headers: { 'accept': 'application/json', 'accept-encoding': 'gzip, br' } }))
  await stopApp(app.child)

  const port = await freePort()
  const baseline = fork(join(root, 'bench/catalog/baseline.mjs'), { env: { ...process.env, PORT: String(port) } })
  await new Promise(resolve => baseline.once('message', resolve))
  const bare = await load('bare h3 JSON handler (baseline)', `http://127.0.0.1:${port}`, '/api/shows', { headers: {} })
  await stopApp(baseline)

  for (const row of rows) row['ratio'] = (row['req/s'] / bare['req/s']).toFixed(3)
  bare['ratio'] = '1.000'
  console.log(`\nPublic pages, demo catalogue, ${CONNECTIONS} connections, ${DURATION} s each (SQLite)`)
  console.table([...rows, bare])
}
finally {
  rmSync(dataDir, { recursive: true, force: true })
}
