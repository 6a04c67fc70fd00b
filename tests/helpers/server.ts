import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import { TEST_DATABASE_URL, createPgDatabase } from './pg'

export const ADMIN = { username: 'admin', password: 'admin-password-123', email: 'admin@example.test' }

export interface Reply<T = any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  status: number
  headers: Headers
  body: T
}

export interface RequestOptions {
  token?: string
  body?: unknown
  headers?: Record<string, string>
}

export interface TestServer {
  url: string
  dataDir: string
  databaseUrl: string
  process: ChildProcess
  /** What the server printed, its JSON log lines read back as `[component] message` (errors with their stack). */
  output: () => string
  /** What the server printed, as it printed it. */
  rawOutput: () => string
  request: <T = any>(method: string, path: string, opts?: RequestOptions) => Promise<Reply<T>> // eslint-disable-line @typescript-eslint/no-explicit-any
  stop: (signal?: NodeJS.Signals) => Promise<void>
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolve(port))
    })
  })
}

/** One HTTP call; never throws on an error status, so tests can assert on it. */
export async function request<T>(base: string, method: string, path: string, opts: RequestOptions = {}): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...opts.headers }
  if (opts.token) headers.authorization = `Bearer ${opts.token}`
  let body: BodyInit | undefined
  if (opts.body !== undefined) {
    if (typeof opts.body === 'string' || opts.body instanceof FormData || opts.body instanceof Uint8Array) body = opts.body as BodyInit
    else {
      body = JSON.stringify(opts.body)
      headers['content-type'] ??= 'application/json'
    }
  }
  const res = await fetch(base + path, { method, headers, body, redirect: 'manual' })
  const text = await res.text()
  let parsed: unknown = text
  if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text)
  return { status: res.status, headers: res.headers, body: parsed as T }
}

export interface StartOptions {
  env?: Record<string, string>
  /** Reuse this data dir / database (for restart tests) instead of fresh ones. */
  dataDir?: string
  databaseUrl?: string
  /** The built server to start (default `.output/server/index.mjs`, node-server). */
  entry?: string
  /** Do not wait for /api/health to answer 200. */
  noWait?: boolean
}

/**
 * Starts the built server (`node .output/server/index.mjs`) on a free port with a fresh
 * data dir and a fresh database (SQLite in the data dir, or a new PostgreSQL database
 * when TEST_DATABASE_URL is set), and waits until /api/health answers 200.
 */
export async function startServer(opts: StartOptions = {}): Promise<TestServer> {
  const port = await freePort()
  const ownDataDir = !opts.dataDir
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'ticketshow-test-'))
  let databaseUrl = opts.databaseUrl ?? ''
  let dropDb: (() => Promise<void>) | undefined
  if (!opts.databaseUrl && TEST_DATABASE_URL) {
    const created = await createPgDatabase()
    databaseUrl = created.url
    dropDb = created.drop
  }
  let out = ''
  const child = spawn(process.execPath, [opts.entry ?? '.output/server/index.mjs'], {
    cwd: process.cwd(),
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      NUXT_DATA_DIR: dataDir,
      NUXT_DATABASE_URL: databaseUrl,
      NUXT_ADMIN_USERNAME: ADMIN.username,
      NUXT_ADMIN_PASSWORD: ADMIN.password,
      NUXT_ADMIN_EMAIL: ADMIN.email,
      NUXT_SCHEDULER: 'off',
      // Every test talks from 127.0.0.1: the per-client limits are loosened (not the login
      // throttle per username); tests of those limits set the factor back to 1.
      NUXT_RATE_LIMIT_FACTOR: '1000',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout!.on('data', (d) => {
    out += d
  })
  child.stderr!.on('data', (d) => {
    out += d
  })
  const url = `http://127.0.0.1:${port}`
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))

  const server: TestServer = {
    url,
    dataDir,
    databaseUrl,
    process: child,
    output: () => readableLog(out),
    rawOutput: () => out,
    request: (method, path, o) => request(url, method, path, o),
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal)
        await exited
      }
      if (dropDb) await dropDb()
      if (ownDataDir) rmSync(dataDir, { recursive: true, force: true })
    },
  }

  if (opts.noWait) return server
  const deadline = Date.now() + 45_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${out}`)
    try {
      const res = await fetch(`${url}/api/health`)
      if (res.status === 200) return server
    }
    catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      await server.stop()
      throw new Error(`server did not become healthy:\n${out}`)
    }
    await new Promise(r => setTimeout(r, 100))
  }
}

/** The server's log lines so far that are JSON objects (pino's). */
export function jsonLines(server: TestServer): Record<string, unknown>[] {
  return server.rawOutput().split('\n').filter(l => l.startsWith('{')).map(l => JSON.parse(l) as Record<string, unknown>)
}

/** JSON log lines (pino's) as `[component] message`, each error's stack after it; other lines as they are. */
export function readableLog(text: string): string {
  return text.split('\n').map((line) => {
    if (!line.startsWith('{')) return line
    try {
      const entry = JSON.parse(line) as { component?: string, msg?: string, err?: { stack?: string } }
      return `${entry.component ? `[${entry.component}] ` : ''}${entry.msg ?? ''}${entry.err?.stack ? `\n${entry.err.stack}` : ''}`
    }
    catch {
      return line
    }
  }).join('\n')
}

/** Logs in and returns the token (throws when the login fails). */
export async function login(server: TestServer, username: string, password: string): Promise<string> {
  const res = await server.request<{ token: string }>('POST', '/api/auth/login', { body: { username, password } })
  if (res.status !== 200) throw new Error(`login of ${username} failed: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.token
}

let counter = 0
/** Registers a user, has the admin approve them, and returns their id and token. */
export async function createApprovedUser(server: TestServer, adminToken: string, name?: string): Promise<{ id: number, username: string, password: string, token: string }> {
  const username = name ?? `user${Date.now().toString(36)}${counter++}`
  const password = 'correct-horse-battery'
  const reg = await server.request('POST', '/api/auth/register', { body: { username, email: `${username}@example.test`, password } })
  if (reg.status !== 201) throw new Error(`register failed: ${reg.status} ${JSON.stringify(reg.body)}`)
  const id = reg.body.user.id as number
  const ok = await server.request('POST', `/api/users/${id}/approve`, { token: adminToken })
  if (ok.status !== 200) throw new Error(`approve failed: ${ok.status}`)
  return { id, username, password, token: await login(server, username, password) }
}

export interface ReadyServer {
  server: TestServer
  adminToken: string
  /** the token of an approved member, made for the file (its username and password too) */
  member: { id: number, username: string, password: string, token: string }
}

/**
 * The test file's server: started before its tests with the admin logged in and an
 * approved member made, stopped after them. `onReady` receives them (and may set up more):
 * `useTestServer(s => ({ server, adminToken } = s))`.
 */
export function useTestServer(onReady: (ready: ReadyServer) => unknown, opts: StartOptions = {}): void {
  let server: TestServer | undefined
  beforeAll(async () => {
    server = await startServer(opts)
    const adminToken = await login(server, ADMIN.username, ADMIN.password)
    await onReady({ server, adminToken, member: await createApprovedUser(server, adminToken) })
  })
  afterAll(() => server?.stop())
}
