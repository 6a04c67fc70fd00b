import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createConnection, createServer } from 'node:net'
import type { Server, Socket } from 'node:net'
import { freePort } from './server'

// Outages on demand: a TCP proxy in front of a real server (PostgreSQL) that can be cut and
// restored, and a Redis of the test's own that can be killed and started again.

/** A TCP proxy from a free local port to `target`; `cut()` drops every connection and refuses new ones, `restore()` serves again. */
export async function tcpProxy(target: { host: string, port: number }): Promise<{ port: number, cut: () => Promise<void>, restore: () => Promise<void>, close: () => Promise<void> }> {
  const port = await freePort()
  const sockets = new Set<Socket>()
  let server: Server | undefined
  const listen = () => new Promise<void>((resolve, reject) => {
    server = createServer((client) => {
      const upstream = createConnection(target)
      for (const s of [client, upstream]) {
        sockets.add(s)
        s.on('close', () => sockets.delete(s))
        s.on('error', () => s.destroy())
      }
      client.pipe(upstream).pipe(client)
    })
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  const cut = async () => {
    await new Promise<void>(resolve => (server ? server.close(() => resolve()) : resolve()))
    server = undefined
    for (const s of sockets) s.destroy()
  }
  await listen()
  return { port, cut, restore: listen, close: cut }
}

/** A redis-server of the test's own, on a free port, that keeps nothing on disk. */
export async function ownRedis(): Promise<{ url: string, stop: () => Promise<void>, start: () => Promise<void> }> {
  const port = await freePort()
  let child: ChildProcess | undefined
  const ping = () => new Promise<boolean>((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port }, () => s.write('PING\r\n'))
    s.once('data', d => (resolve(d.toString().startsWith('+PONG')), s.destroy()))
    s.once('error', () => resolve(false))
  })
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
    while (!(await ping())) await new Promise(r => setTimeout(r, 50))
  }
  const stop = async () => {
    if (!child || child.exitCode !== null) return
    const exited = new Promise(r => child!.once('exit', r))
    child.kill('SIGKILL')
    await exited
  }
  await start()
  return { url: `redis://127.0.0.1:${port}`, stop, start }
}
