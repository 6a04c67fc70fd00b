// The node-cluster entry (modules/platforms.ts puts it in place of Nitro's own): a primary
// that forks one worker per core (NITRO_CLUSTER_WORKERS to choose) and restarts one that
// dies, as Nitro's does, but on SIGTERM or SIGINT it passes the signal on to every worker,
// which stops as node-server does (plugins/shutdown.ts: stop listening, answer what is in
// flight, commit, close), and exits once they all have. Nitro's primary only waited for
// workers that nobody had told to stop, and forced its exit after 30 s.
import cluster from 'node:cluster'
import os from 'node:os'

const SHUTDOWN_TIMEOUT_MS = Number(process.env.NITRO_SHUTDOWN_TIMEOUT) || 10_000

function runPrimary() {
  const workers = Number.parseInt(process.env.NITRO_CLUSTER_WORKERS || '') || os.availableParallelism() || 1
  for (let i = 0; i < workers; i++) cluster.fork()
  let stopping = false
  // One line per worker ready to take connections: the primary hands each new connection to
  // a listening worker in turn, so until a worker says this it takes none.
  cluster.on('listening', worker => console.info(`[cluster] worker ${worker.process.pid} listening`))
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return
    console.warn(`[cluster] worker ${worker.process.pid} died (${signal ?? code}); starting another`)
    cluster.fork()
  })
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return
    stopping = true
    console.info(`[cluster] ${signal}: stopping ${Object.keys(cluster.workers ?? {}).length} workers`)
    const alive = () => Object.values(cluster.workers ?? {}).filter(w => w && !w.isDead())
    for (const worker of alive()) worker!.process.kill(signal)
    // Each worker has SHUTDOWN_TIMEOUT_MS for its requests; a little more for its close.
    const timeout = setTimeout(() => {
      console.warn(`[cluster] ${alive().length} workers still running; killing them`)
      for (const worker of alive()) worker!.process.kill('SIGKILL')
      process.exit(1)
    }, SHUTDOWN_TIMEOUT_MS + 3000)
    cluster.on('exit', () => {
      if (alive().length) return
      clearTimeout(timeout)
      console.info('[cluster] every worker has stopped')
      process.exit(0)
    })
  }
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => stop(signal))
}

if (cluster.isPrimary) runPrimary()
else {
  import('#ticketshow/node-server').catch((error) => {
    console.error(error)
    process.exit(1)
  })
}
