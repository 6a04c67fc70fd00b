#!/usr/bin/env node
// bench/lighthouse: Lighthouse 12.2.3 (pinned: 13 needs Node 22) in the system Chromium
// against the built server with the demo catalogue, on the home page, a show page and a
// screening page, as a phone (Lighthouse's default: Moto G Power, slow 4G, 4x CPU slowdown,
// simulated) and as a desktop. Prints the four category scores, LCP, TBT and the bytes of
// JavaScript transferred for each.
//
// Usage: npm run build && npm run bench:lighthouse    (CHROME_PATH=… KEEP=1)
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as chromeLauncher from 'chrome-launcher'
import lighthouse from 'lighthouse'
import desktopConfig from 'lighthouse/core/config/desktop-config.js'
import { startApp, stopApp, waitForDemo } from '../lib.mjs'

const CHROME = process.env.CHROME_PATH ?? '/usr/bin/chromium'
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo']

const dataDir = mkdtempSync(join(tmpdir(), 'ticketshow-lighthouse-'))
const app = await startApp(dataDir, { NUXT_SEED_DEMO: 'true' })
const chrome = await chromeLauncher.launch({
  chromePath: CHROME,
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
})
try {
  // The demo catalogue is seeded while the server starts: wait for all of it (a page
  // measured while posters are still being rendered measures the seed), then take a show
  // and one of its screenings.
  await waitForDemo(app.url)
  const shows = await (await fetch(`${app.url}/api/shows`)).json()
  const show = shows.items.find(s => s.nextScreening) ?? shows.items[0]
  const paths = { home: '/', show: `/shows/${show.id}`, screening: `/screenings/${show.nextScreening.id}` }
  // Each page once before measuring, as a visitor before would have: the cache holds it.
  for (const path of Object.values(paths)) await (await fetch(app.url + path, { headers: { accept: 'text/html' } })).text()

  const rows = []
  for (const [formFactor, config] of [['mobile', undefined], ['desktop', desktopConfig]]) {
    for (const [page, path] of Object.entries(paths)) {
      // A trace Chromium failed to record (NO_NAVSTART, now and then on a busy machine) is
      // recorded again, up to twice.
      let lhr
      for (let attempt = 0; attempt < 3 && (!lhr || lhr.runtimeError); attempt++) {
        ({ lhr } = await lighthouse(app.url + path, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: CATEGORIES }, config))
      }
      if (lhr.runtimeError) throw new Error(`${page} (${formFactor}): ${lhr.runtimeError.message}`)
      const scripts = lhr.audits['resource-summary']?.details?.items?.find(i => i.resourceType === 'script')
      const score = id => Math.round((lhr.categories[id]?.score ?? 0) * 100)
      rows.push({
        page, formFactor,
        'performance': score('performance'),
        'accessibility': score('accessibility'),
        'best practices': score('best-practices'),
        'seo': score('seo'),
        'LCP ms': Math.round(lhr.audits['largest-contentful-paint'].numericValue),
        'TBT ms': Math.round(lhr.audits['total-blocking-time'].numericValue),
        'JS KiB': Math.round((scripts?.transferSize ?? 0) / 1024),
      })
      const failed = CATEGORIES.filter(c => c !== 'performance').flatMap(c => lhr.categories[c].auditRefs
        .filter(r => r.weight > 0 && lhr.audits[r.id].score !== null && lhr.audits[r.id].score < 1)
        .map(r => `${c}: ${r.id}`))
      if (failed.length) console.info(`${page} (${formFactor}) loses points on: ${failed.join(', ')}`)
      if (process.env.VERBOSE) {
        const lcp = lhr.audits['largest-contentful-paint-element']?.details?.items?.[0]?.items?.[0]?.node ?? lhr.audits['largest-contentful-paint-element']?.details?.items?.[0]?.node
        console.info(`${page} (${formFactor}) LCP element: ${lcp?.snippet ?? '?'}`)
        for (const id of ['render-blocking-resources', 'unused-javascript', 'bootup-time', 'mainthread-work-breakdown']) console.info(`  ${id}: ${lhr.audits[id]?.displayValue ?? ''}`)
        const work = lhr.audits['mainthread-work-breakdown']?.details?.items ?? []
        console.info(`  main thread: ${work.map(i => `${i.group} ${Math.round(i.duration)}`).join(', ')}`)
        const long = lhr.audits['long-tasks']?.details?.items ?? []
        console.info(`  long tasks: ${long.map(t => `${Math.round(t.duration)} ms ${String(t.url).split('/').pop()}`).join(', ')}`)
        for (const phase of lhr.audits['largest-contentful-paint-element']?.details?.items?.[1]?.items ?? []) console.info(`  LCP ${phase.phase}: ${Math.round(phase.timing)} ms`)
      }
      for (const item of lhr.audits['errors-in-console']?.details?.items ?? []) console.info(`  console: ${item.description ?? ''} ${item.url ?? ''}`.slice(0, 300))
    }
  }
  console.table(rows)
}
finally {
  await chrome.kill()
  await stopApp(app.child)
  if (!process.env.KEEP) rmSync(dataDir, { recursive: true, force: true })
}
