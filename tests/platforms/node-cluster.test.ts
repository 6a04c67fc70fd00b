import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { outputDir } from '../helpers/build'
import { startServer } from '../helpers/server'

// The node-cluster build (.output-node-cluster): two workers behind one port, and a
// graceful stop when the primary gets SIGTERM, as a process manager or `docker stop` sends it.
describe('node-cluster', () => {
  it('serves from two workers and stops within 10 s of SIGTERM, answering every request it took', async () => {
    const server = await startServer({ entry: join(outputDir('node-cluster'), 'server', 'index.mjs'), env: { NITRO_CLUSTER_WORKERS: '2' } })
    // The load's kept-alive connections stay with the worker they were handed to, so they are
    // opened once both workers listen (on a busy machine the second can start seconds later).
    await expect.poll(() => server.output().match(/\[cluster\] worker \d+ listening/g)?.length ?? 0, { timeout: 30_000 }).toBe(2)
    const outcomes = new Map<string, number>()
    const note = (k: string) => outcomes.set(k, (outcomes.get(k) ?? 0) + 1)
    let stopped = false
    let answered = 0
    const loops = Array.from({ length: 16 }, async () => {
      while (!stopped) {
        try {
          const res = await fetch(`${server.url}/api/shows`)
          await res.arrayBuffer()
          note(String(res.status))
          answered++
        }
        catch (err) {
          const code = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message
          note(code)
          if (code === 'ECONNREFUSED') return
        }
      }
    })
    await expect.poll(() => answered, { timeout: 20_000 }).toBeGreaterThan(200)
    // Both workers answer (each request is logged with its pid).
    const pids = () => new Set(server.rawOutput().split('\n').filter(l => l.includes('"msg":"request"')).map(l => JSON.parse(l).pid))
    await expect.poll(() => pids().size, { timeout: 30_000 }).toBe(2)

    const exited = new Promise<{ code: number | null, at: number }>(resolve => server.process.once('exit', code => resolve({ code, at: Date.now() })))
    const sent = Date.now()
    server.process.kill('SIGTERM')
    const { code, at } = await exited
    stopped = true
    await Promise.all(loops)
    expect(code).toBe(0)
    expect(at - sent).toBeLessThan(10_000)
    // Every request a worker took was answered: each one it logged reached the client as a
    // 200. Others never reached a worker: refused once the workers stopped listening, or
    // reset as they were sent on a kept-alive connection a stopping worker had just closed
    // (ECONNRESET, or undici's UND_ERR_SOCKET), which HTTP/1.1 cannot rule out.
    const taken = server.rawOutput().split('\n').filter(l => l.includes('"msg":"request"') && l.includes('"path":"/api/shows"')).length
    expect(taken).toBe(outcomes.get('200'))
    expect([...outcomes.keys()].filter(k => !['200', 'ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET'].includes(k))).toEqual([])
    expect(server.output()).toMatch(/\[cluster\] every worker has stopped/)
    await server.stop()
  })
})
