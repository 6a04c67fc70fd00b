import type { Server, ServerResponse } from 'node:http'
import { Server as NetServer } from 'node:net'
import { readersOf } from '../db'
import { writesSettled } from '../db/write'

// A clean stop on SIGTERM or SIGINT (node-server; serverless platforms stop functions
// themselves), in place of Nitro's own, which closes idle keep-alive connections at once
// (as Node's http server.close() does), so a request a client is sending on one at that
// moment is lost without an answer:
//   1. The server stops listening: new connections are refused, so a client knows nothing
//      was sent. Connections already open stay open.
//   2. Every response from now on says `Connection: close` (and /api/health answers 503),
//      so each open connection closes once it has answered what it was asked; idle ones
//      close when keep-alive ends them. At most SHUTDOWN_TIMEOUT_MS is waited for all this.
//   3. Then the mail flush that is running finishes, every write handed to the group
//      committer is committed and answered, the reader threads end (a read still out then
//      goes to the main connection) and the database and Redis are closed.

const SHUTDOWN_TIMEOUT_MS = Number(process.env.NITRO_SHUTDOWN_TIMEOUT) || 10_000

export default defineNitroPlugin((nitroApp) => {
  if (!String(import.meta.preset).startsWith('node')) return
  // Nitro reads this when the server starts, after the plugins have run.
  process.env.NITRO_SHUTDOWN_DISABLED = '1'

  let server: Server | undefined
  const inFlight = new Set<ServerResponse>()
  nitroApp.hooks.hook('request', (event) => {
    const res = event.node.res
    server ??= (event.node.req.socket?.server as Server | null | undefined) ?? undefined
    if (!res || !event.node.req.socket) return
    if (isStopping()) res.setHeader('Connection', 'close')
    inFlight.add(res)
    res.once('close', () => inFlight.delete(res))
  })

  const stop = async (signal: string) => {
    if (isStopping()) return
    markStopping()
    // Live seat maps would hold their connections open to the end: they go first.
    await closeLiveStreams()
    console.info(`[ticketshow] ${signal}: answering what is in flight, then stopping`)
    for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close')
    // net's close, not http's: it stops listening without closing the idle connections, and
    // calls back once every connection has ended.
    const closed = new Promise<void>(resolve => (server?.listening ? NetServer.prototype.close.call(server, () => resolve()) : resolve()))
    const timeout = setTimeout(() => {
      console.warn(`[ticketshow] ${inFlight.size} requests still running after ${SHUTDOWN_TIMEOUT_MS / 1000} s; closing them`)
      server?.closeAllConnections()
    }, SHUTDOWN_TIMEOUT_MS)
    await closed
    clearTimeout(timeout)
    await nitroApp.hooks.callHook('close').catch(err => console.error('[ticketshow] while closing:', err))
    process.exit(0)
  }
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void stop(signal))

  nitroApp.hooks.hook('close', async () => {
    await stopMailFlushes()
    const { db } = useDbState()
    await writesSettled(db)
    await readersOf(db)?.close()
    await db.destroy()
    await useRedis()?.quit().catch(() => {})
    console.info('[ticketshow] stopped: requests answered, writes committed, database closed')
  })
})
