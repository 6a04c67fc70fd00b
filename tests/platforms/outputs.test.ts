import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { TASKS } from '../../server/domain/tasks/schedule'
import { outputDir } from '../helpers/build'
import { deployStep, startPlatform } from '../helpers/lambda'
import type { PlatformInstance } from '../helpers/lambda'
import { TEST_DATABASE_URL, createPgDatabase } from '../helpers/pg'
import { ADMIN, login, startServer } from '../helpers/server'
import type { TestServer } from '../helpers/server'

// What the serverless builds (tests/helpers/platforms-setup.ts) hand their platforms: the
// scheduled ticks wired into each one's own config, Node's version where the platform asks
// for one, and no native module where it could not load.
const SCHEDULED = TASKS.filter(t => t.cron)
const NODE_MAJOR = process.versions.node.split('.')[0]

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

describe('vercel', () => {
  const dir = outputDir('vercel')
  it('lists a cron per scheduled task in config.json, each calling /api/cron/{task}', () => {
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))
    expect(config.crons).toEqual(SCHEDULED.map(t => ({ path: `/api/cron/${t.name}`, schedule: t.cron })))
  })

  it('runs the function on the Node.js major that built it, with no SQLite binary bundled', () => {
    const vc = JSON.parse(readFileSync(join(dir, 'functions', '__fallback.func', '.vc-config.json'), 'utf8'))
    expect(vc.runtime).toBe(`nodejs${NODE_MAJOR}.x`)
    const bundled = filesUnder(join(dir, 'functions', '__fallback.func'))
    expect(bundled.filter(f => /better[-_]sqlite3/.test(f))).toEqual([])
  })
})

describe('netlify', () => {
  const dir = outputDir('netlify')
  let server: TestServer
  const secret = 'netlify-cron-secret-0123456789'
  beforeAll(async () => {
    server = await startServer({ env: { NUXT_CRON_SECRET: secret } })
  })
  afterAll(() => server?.stop())

  it('has a scheduled function per task, on the task\'s schedule, that ticks the site it runs on', async () => {
    for (const task of SCHEDULED) {
      const name = `ticketshow-cron-${task.name.replace(/:/g, '-')}`
      const file = join(dir, name, `${name}.mjs`)
      expect(existsSync(file), file).toBe(true)
      const fn = await import(pathToFileURL(file).href)
      expect(fn.config).toEqual({ schedule: task.cron })
    }
    // Run as Netlify would: URL is the site, the secret is in the environment.
    const fn = await import(pathToFileURL(join(dir, 'ticketshow-cron-mail-flush', 'ticketshow-cron-mail-flush.mjs')).href)
    vi.stubEnv('URL', server.url)
    vi.stubEnv('NUXT_CRON_SECRET', secret)
    try {
      await fn.default()
      vi.stubEnv('NUXT_CRON_SECRET', 'not-the-secret-0123456789')
      await expect(fn.default()).rejects.toThrow(/answered 401/)
    }
    finally {
      vi.unstubAllEnvs()
    }
    const runs = await server.request('GET', '/api/admin/tasks', { token: await login(server, ADMIN.username, ADMIN.password) })
    expect(runs.body.items.find((t: { name: string }) => t.name === 'mail:flush').lastRun).toMatchObject({ error: null })
  })

  it('serves the site from the server function, with no SQLite binary bundled', () => {
    expect(existsSync(join(dir, 'server', 'main.mjs'))).toBe(true)
    expect(filesUnder(join(dir, 'server')).filter(f => /better[-_]sqlite3/.test(f))).toEqual([])
  })
})

describe('cloudflare-module', () => {
  const dir = outputDir('cloudflare-module')
  it('builds a worker whose wrangler.json has a cron trigger per schedule', () => {
    expect(existsSync(join(dir, 'server', 'index.mjs'))).toBe(true)
    const wrangler = JSON.parse(readFileSync(join(dir, 'server', 'wrangler.json'), 'utf8'))
    expect([...wrangler.triggers.crons].sort()).toEqual([...new Set(SCHEDULED.map(t => t.cron))].sort())
  })
})

// Each handler run as its platform would run it, on PostgreSQL after the deploy step.
describe('the Vercel and Netlify handlers', () => {
  let databaseUrl: string
  let drop: () => Promise<void>
  const started: PlatformInstance[] = []
  const env = () => ({ NUXT_DATABASE_URL: databaseUrl, NUXT_AUTH_SECRET: 'platform-test-auth-secret-0123456789abcdefghij' })
  beforeAll(async () => {
    ;({ url: databaseUrl, drop } = await createPgDatabase(TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'))
    deployStep(databaseUrl, ADMIN)
  })
  afterAll(async () => {
    for (const instance of started) await instance.stop()
    await drop?.()
  })

  it('vercel: serves the API from the function, and Vercel Cron\'s call with its CRON_SECRET ticks a task', async () => {
    const fn = await startPlatform('vercel', join(outputDir('vercel'), 'functions', '__fallback.func', 'index.mjs'), { ...env(), CRON_SECRET: 'vercel-cron-secret-0123456789' })
    started.push(fn)
    expect((await fn.fetch('/api/health/ready')).json).toEqual({ status: 'ready', database: 'ok', redis: 'not configured' })
    const login = await fn.fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: ADMIN.username, password: ADMIN.password }) })
    expect(login.status).toBe(200)
    const tick = await fn.fetch('/api/cron/mail:flush', { headers: { authorization: 'Bearer vercel-cron-secret-0123456789' } })
    expect(tick.status, tick.body).toBe(200)
    expect(tick.json.task).toBe('mail:flush')
    expect((await fn.fetch('/api/cron/mail:flush', { headers: { authorization: 'Bearer guess-0123456789abcdef' } })).status).toBe(401)
  })

  it('netlify: serves the API from the function, with the rate limits per client address Netlify saw', async () => {
    const fn = await startPlatform('netlify', join(outputDir('netlify'), 'server', 'main.mjs'), env())
    started.push(fn)
    expect((await fn.fetch('/api/shows')).status).toBe(200)
    const attempt = (ip: string) => fn.fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json', 'x-nf-client-connection-ip': ip }, body: JSON.stringify({ username: ADMIN.username, password: 'not-the-password' }) })
    for (let i = 0; i < 5; i++) expect((await attempt('203.0.113.20')).status).toBe(401)
    expect((await attempt('203.0.113.20')).status).toBe(429)
    expect((await attempt('203.0.113.21')).status).toBe(401)
  })
})
