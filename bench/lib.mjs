// Shared by the benchmarks: start and stop the built server, find a free port.
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { join } from 'node:path'

export const root = new URL('..', import.meta.url).pathname

export const freePort = () => new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address()
    s.close(() => resolve(port))
  })
})

/** Starts `.output/server/index.mjs` on a free port and waits for /api/health. */
export async function startApp(dataDir, env = {}) {
  const port = await freePort()
  // BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profile the server itself.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean)
  // BENCH_OUTPUT: another build's .output (a copy of an earlier commit's), to compare two builds.
  const entry = join(process.env.BENCH_OUTPUT ?? join(root, '.output'), 'server/index.mjs')
  const child = spawn(process.execPath, [...nodeArgs, entry], {
    env: { ...process.env, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), NUXT_DATA_DIR: dataDir, NUXT_DATABASE_URL: '', NUXT_ADMIN_PASSWORD: 'bench-admin-password', NUXT_SCHEDULER: 'off', NUXT_RATE_LIMIT_FACTOR: '0', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) return { url, child }
    }
    catch { /* starting */ }
    await new Promise(r => setTimeout(r, 100))
  }
  throw new Error('server did not start')
}

export const stopApp = child => new Promise((resolve) => {
  if (child.exitCode !== null) return resolve()
  child.once('exit', resolve)
  child.kill('SIGTERM')
})

/** JSON over HTTP; throws on an unexpected status. */
export async function call(url, method, path, { token, body, expect = [200, 201] } = {}) {
  const res = await fetch(url + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const data = await res.json().catch(() => null)
  if (!expect.includes(res.status)) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(data)}`)
  return data
}

/**
 * Waits until the demo catalogue (NUXT_SEED_DEMO=true) is seeded in full, and returns an
 * admin token. The seed runs after start, and a page measured while it still renders
 * posters and adds screenings measures the seed too: once the first show is in, asking for
 * the same task joins the running one (Nitro runs one task of a name at a time).
 */
export async function waitForDemo(url) {
  const { token } = await call(url, 'POST', '/api/auth/login', { body: { username: 'admin', password: 'bench-admin-password' } })
  for (let i = 0; i < 600; i++) {
    if ((await call(url, 'GET', '/api/shows?pageSize=1', { token })).total > 0) break
    await new Promise(r => setTimeout(r, 100))
  }
  await call(url, 'POST', '/api/admin/tasks/db:seed', { token })
  return token
}
