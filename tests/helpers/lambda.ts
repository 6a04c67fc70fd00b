import { fork } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { outputDir } from './build'

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
  const entry = join(outputDir('aws-lambda'), 'server', 'index.mjs')
  const child: ChildProcess = fork(join(process.cwd(), 'tests/helpers/lambda-host.mjs'), [entry], {
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
  const ready = new Promise<void>((resolve, reject) => {
    child.once('exit', code => reject(new Error(`the Lambda host exited with ${code}:\n${out}`)))
    child.on('message', (m: { ready?: boolean, id?: number, result?: unknown, error?: string }) => {
      if (m.ready) return resolve()
      const p = pending.get(m.id!)
      pending.delete(m.id!)
      if (m.error) p?.reject(new Error(m.error))
      else p?.resolve(m.result)
    })
  })
  await ready
  const invoke = <T>(event: unknown) => new Promise<T>((resolve, reject) => {
    const id = seq++
    pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
    child.send({ id, event })
  })
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
      let json: unknown
      try {
        json = JSON.parse(result.isBase64Encoded ? '' : result.body)
      }
      catch { /* not JSON */ }
      return { ...result, json }
    },
    output: () => out,
    stop: async () => {
      if (child.exitCode !== null) return
      const exited = new Promise(resolve => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    },
  }
}
