import { execFileSync, fork } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { outputDir } from './build'

interface Host {
  /** what the host's `ready` message carried (the Vercel host's port) */
  ready: { port?: number }
  /** Sends `message` (given an id) and resolves with the host's result, or rejects with its error. */
  call: <T>(message: Record<string, unknown>) => Promise<T>
  output: () => string
  stop: () => Promise<void>
}

/**
 * A test host (tests/helpers/*-host.mjs) in a process of its own, with `env` only: its output
 * is kept, its `ready` message awaited (an exit before it rejects with the output), and its
 * answers matched to the messages sent by id.
 */
async function forkHost(script: string, args: string[], env: Record<string, string>, label: string): Promise<Host> {
  const child: ChildProcess = fork(join(process.cwd(), 'tests/helpers', script), args, {
    env: { PATH: process.env.PATH, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  })
  let out = ''
  child.stdout!.on('data', (d) => {
    out += d
  })
  child.stderr!.on('data', (d) => {
    out += d
  })
  const pending = new Map<number, { resolve: (v: unknown) => void, reject: (e: Error) => void }>()
  let seq = 0
  const ready = await new Promise<{ port?: number }>((resolve, reject) => {
    child.once('exit', code => reject(new Error(`the ${label} host exited with ${code}:\n${out}`)))
    child.on('message', (m: { ready?: boolean, port?: number, id?: number, result?: unknown, error?: string }) => {
      if (m.ready) return resolve({ port: m.port })
      const p = pending.get(m.id!)
      pending.delete(m.id!)
      if (m.error) p?.reject(new Error(m.error))
      else p?.resolve(m.result)
    })
  })
  return {
    ready,
    call: <T>(message: Record<string, unknown>) => new Promise<T>((resolve, reject) => {
      const id = seq++
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
      child.send({ id, ...message })
    }),
    output: () => out,
    stop: async () => {
      if (child.exitCode !== null) return
      const exited = new Promise(resolve => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    },
  }
}

/** The body as JSON, or undefined when it is not JSON. */
function parseJson(body: string): unknown {
  try {
    return JSON.parse(body)
  }
  catch {
    return undefined
  }
}

export interface LambdaResult {
  statusCode: number
  headers: Record<string, string>
  cookies?: string[]
  body: string
  isBase64Encoded: boolean
}

export interface LambdaInstance {
  /** Calls the handler with any event; resolves with what it returned. */
  invoke: <T = unknown>(event: unknown) => Promise<T>
  /** An API Gateway HTTP API (v2) request: JSON bodies are sent as JSON, Buffers base64. */
  http: (method: string, path: string, opts?: { token?: string, body?: unknown, headers?: Record<string, string>, sourceIp?: string }) => Promise<LambdaResult & { json: any }> // eslint-disable-line @typescript-eslint/no-explicit-any
  output: () => string
  stop: () => Promise<void>
}

/** Starts one Lambda "instance" of the built aws-lambda handler in a process of its own. */
export async function startLambda(env: Record<string, string>): Promise<LambdaInstance> {
  const host = await forkHost('lambda-host.mjs', [join(outputDir('aws-lambda'), 'server', 'index.mjs')], env, 'Lambda')
  const invoke = <T>(event: unknown) => host.call<T>({ event })
  return {
    invoke,
    async http(method, path, opts = {}) {
      const [rawPath, rawQueryString = ''] = path.split('?') as [string, string?]
      const headers: Record<string, string> = { host: 'lambda.test', ...opts.headers }
      if (opts.token) headers.authorization = `Bearer ${opts.token}`
      let body: string | undefined
      let isBase64Encoded = false
      if (Buffer.isBuffer(opts.body)) {
        body = opts.body.toString('base64')
        isBase64Encoded = true
      }
      else if (opts.body !== undefined) {
        body = JSON.stringify(opts.body)
        headers['content-type'] ??= 'application/json'
      }
      if (body !== undefined) headers['content-length'] = String(isBase64Encoded ? (opts.body as Buffer).length : Buffer.byteLength(body))
      const queryStringParameters = rawQueryString ? Object.fromEntries(new URLSearchParams(rawQueryString)) : undefined
      const result = await invoke<LambdaResult>({
        version: '2.0',
        routeKey: '$default',
        rawPath,
        rawQueryString,
        headers,
        queryStringParameters,
        requestContext: { http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: opts.sourceIp ?? '198.51.100.7', userAgent: 'test' } },
        body,
        isBase64Encoded,
      })
      return { ...result, json: result.isBase64Encoded ? undefined : parseJson(result.body) }
    },
    output: host.output,
    stop: host.stop,
  }
}

export interface PlatformInstance {
  /** vercel: the address it listens on */
  url?: string
  /** netlify: one request through the handler */
  fetch: (path: string, init?: { method?: string, headers?: Record<string, string>, body?: string }) => Promise<{ status: number, headers: Record<string, string>, body: string, json: any }> // eslint-disable-line @typescript-eslint/no-explicit-any
  output: () => string
  stop: () => Promise<void>
}

/** Starts a built Vercel or Netlify handler in a process of its own (tests/helpers/platform-host.mjs). */
export async function startPlatform(kind: 'vercel' | 'netlify', entry: string, env: Record<string, string>): Promise<PlatformInstance> {
  const host = await forkHost('platform-host.mjs', [kind, entry], env, kind)
  const url = host.ready.port ? `http://127.0.0.1:${host.ready.port}` : undefined
  return {
    url,
    async fetch(path, init = {}) {
      if (url) {
        const res = await fetch(url + path, init)
        const body = await res.text()
        return { status: res.status, headers: Object.fromEntries(res.headers), body, json: parseJson(body) }
      }
      const result = await host.call<{ status: number, headers: Record<string, string>, body: string }>({ request: { url: `https://ticketshow.netlify.test${path}`, method: init.method ?? 'GET', headers: init.headers ?? {}, body: init.body } })
      return { ...result, json: parseJson(result.body) }
    },
    output: host.output,
    stop: host.stop,
  }
}

/** `npm run db:migrate`, the serverless deploy step, against `databaseUrl`, with this first admin. */
export function deployStep(databaseUrl: string, admin: { username: string, password: string, email: string }): void {
  execFileSync(process.execPath, ['scripts/db-migrate.mjs'], {
    env: { PATH: process.env.PATH, NUXT_DATABASE_URL: databaseUrl, NUXT_ADMIN_USERNAME: admin.username, NUXT_ADMIN_PASSWORD: admin.password, NUXT_ADMIN_EMAIL: admin.email },
    stdio: 'pipe',
  })
}
