import { createRequire } from 'node:module'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'

// Runs in the worker: its own connection to the same file, doing nothing but checkpoints.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const db = new Database(workerData.file)
db.pragma('synchronous = FULL')
parentPort.on('message', (id) => {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)')
    parentPort.postMessage({ id, log: r.log, checkpointed: r.checkpointed })
  }
  catch (err) {
    parentPort.postMessage({ id, error: err.message })
  }
})
`

/**
 * Where the worker loads better-sqlite3 from: as the running program would (the bundled
 * server rewrites import.meta.url, so resolve from its entry file), else from the
 * working directory. Undefined when neither finds it.
 */
export function sqliteDriverPath(): string | undefined {
  for (const base of [process.argv[1], join(process.cwd(), 'index.js')]) {
    if (!base) continue
    try {
      return createRequire(base).resolve('better-sqlite3')
    }
    catch { /* try the next */ }
  }
  return undefined
}

export interface CheckpointResult {
  /** frames in the log */
  log: number
  /** of them, copied into the database file */
  checkpointed: number
}

/** Frames (4 KiB each) the log may grow to before writes pause for it to start over. */
const RESTART_FRAMES = 4000
/** A checkpoint at most this often while writes go on. */
const INTERVAL_MS = 50

/**
 * SQLite copies its write-ahead log into the database file (a checkpoint) inside the COMMIT
 * that crosses 1,000 pages: several milliseconds of writing and two fsyncs, on the event
 * loop, every few hundred bookings under load. Here a worker thread with its own
 * connection does it instead, in PASSIVE mode (never blocking a writer), while the main
 * connection's automatic checkpoints are off.
 *
 * A log is only started over when a write begins with every frame already copied, which
 * never happens while writes keep coming; so once it holds RESTART_FRAMES frames, the
 * group committer waits (see settle: the event loop keeps serving) for one checkpoint with
 * no write in between, and its next write starts the log over.
 *
 * If the worker fails, the main connection's automatic checkpoints come back.
 */
export class Checkpointer {
  private readonly worker: Worker
  private nextId = 0
  private readonly pending = new Map<number, { resolve: (r: CheckpointResult) => void, reject: (e: Error) => void }>()
  private running: Promise<unknown> | undefined
  private lastStart = 0
  private log = 0
  private failed = false
  private readonly timer: ReturnType<typeof setInterval>

  constructor(file: string, driver: string, private readonly onFailure: (err: Error) => void) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver } })
    this.worker.unref()
    this.worker.on('message', (msg: { id: number, error?: string } & CheckpointResult) => {
      const waiter = this.pending.get(msg.id)
      this.pending.delete(msg.id)
      if (msg.error) waiter?.reject(new Error(msg.error))
      else waiter?.resolve(msg)
    })
    this.worker.on('error', err => this.fail(err as Error))
    this.worker.on('exit', code => this.fail(new Error(`checkpoint worker exited (${code})`)))
    // Writes made outside the group committer (which kicks after each commit) are copied too.
    this.timer = setInterval(() => this.kick(), 1000)
    this.timer.unref()
  }

  /** After a commit: starts a checkpoint unless one runs or one started very recently. */
  kick(now = Date.now()): void {
    if (this.failed || this.running || now - this.lastStart < INTERVAL_MS) return
    this.lastStart = now
    const run = this.checkpoint().catch(() => {})
    this.running = run
    void run.finally(() => {
      if (this.running === run) this.running = undefined
    })
  }

  /** True when the log has grown enough that the next write should start it over. */
  get wantsRestart(): boolean {
    return !this.failed && this.log >= RESTART_FRAMES
  }

  /**
   * Called by the committer between two batches, no write in flight: one checkpoint that
   * copies every frame, so the next write starts the log over.
   */
  async settle(): Promise<void> {
    await this.running
    await this.checkpoint().catch(() => {})
    // That checkpoint still counts the old frames; the next write starts the log over.
    this.log = 0
  }

  /** Ends the worker (the database is being closed). */
  async close(): Promise<void> {
    this.failed = true
    clearInterval(this.timer)
    await this.worker.terminate()
  }

  private checkpoint(): Promise<CheckpointResult> {
    if (this.failed) return Promise.reject(new Error('checkpoint worker stopped'))
    const id = this.nextId++
    return new Promise<CheckpointResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.worker.postMessage(id)
    }).then((r) => {
      this.log = r.log
      return r
    }, (err: Error) => {
      console.error('[db] checkpoint failed:', err.message)
      throw err
    })
  }

  private fail(err: Error) {
    if (this.failed) return
    this.failed = true
    clearInterval(this.timer)
    for (const w of this.pending.values()) w.reject(err)
    this.pending.clear()
    this.onFailure(err)
  }
}
