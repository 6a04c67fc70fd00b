import { closeSync, fdatasync, fstatSync, openSync } from 'node:fs'
import { CompiledQuery } from 'kysely'
import type { Db } from '.'
import { checkpointerOf, isPostgres, walFileOf } from '.'
import type { Checkpointer } from './checkpointer'

type Job = { run: (trx: Db) => Promise<unknown>, resolve: (v: unknown) => void, reject: (e: unknown) => void, onRollback?: () => void }

export interface WriteOptions {
  /** Called, before the caller hears of the failure, when what the job wrote is rolled back. */
  onRollback?: () => void
}

const MAX_BATCH = 256

/** The committer's own statements, compiled once; a job's savepoint is never nested, so one name does. */
const SYNC_NORMAL = CompiledQuery.raw('pragma synchronous = normal')
const SYNC_FULL = CompiledQuery.raw('pragma synchronous = full')
const BEGIN = CompiledQuery.raw('begin')
const COMMIT = CompiledQuery.raw('commit')
const ROLLBACK = CompiledQuery.raw('rollback')
const SAVEPOINT = CompiledQuery.raw('savepoint job')
const RELEASE = CompiledQuery.raw('release job')
const ROLLBACK_JOB = CompiledQuery.raw('rollback to job')

type FsyncFn = (fd: number, callback: (err: NodeJS.ErrnoException | null) => void) => void

/**
 * Makes what SQLite has written to its write-ahead log durable, with fdatasync on libuv's
 * thread pool instead of inside COMMIT on the event loop. A caller is answered by a sync
 * that started after it asked, so everything it wrote before asking is on disk; callers
 * that ask while one sync runs share the next.
 */
export class WalSyncer {
  private fd: number | undefined
  private inFlight: Promise<void> | undefined
  private next: Promise<void> | undefined

  constructor(private readonly path: string, private readonly fsync: FsyncFn = fdatasync) {}

  sync(): Promise<void> {
    if (!this.inFlight) return this.start()
    this.next ??= this.inFlight.then(() => {}, () => {}).then(() => {
      this.next = undefined
      return this.start()
    })
    return this.next
  }

  private start(): Promise<void> {
    const run = new Promise<void>((resolve, reject) => {
      let fd: number
      try {
        fd = this.descriptor()
      }
      catch (err) {
        return reject(err)
      }
      this.fsync(fd, err => (err ? reject(err) : resolve()))
    })
    this.inFlight = run
    const clear = () => {
      if (this.inFlight === run) this.inFlight = undefined
    }
    run.then(clear, clear)
    return run
  }

  /** The log's file, opened once; opened again if SQLite has replaced it. */
  private descriptor(): number {
    if (this.fd !== undefined && fstatSync(this.fd).nlink === 0) {
      closeSync(this.fd)
      this.fd = undefined
    }
    this.fd ??= openSync(this.path, 'r')
    return this.fd
  }
}

/**
 * Group commit for SQLite. A durable commit (WAL, synchronous=FULL) costs one fsync, and
 * SQLite commits one transaction at a time, so committing each booking alone caps the
 * rate at the disk's fsync rate and makes the 64th concurrent buyer wait 64 fsyncs.
 * Instead, the write transactions that arrive while one commit is in flight run together
 * in the next transaction, each inside its own savepoint: a job that fails rolls back to
 * its savepoint alone (and its caller gets its error at once); the others commit together,
 * and only once that commit is on disk does any of them report success.
 *
 * With a file database the batch commits under synchronous=NORMAL (SQLite writes the log
 * but does not wait for the disk) and the WalSyncer then fsyncs the log off the event loop
 * before the batch is acknowledged: as durable as FULL for everything acknowledged, while
 * the server goes on parsing requests and running the next batch. Every other write keeps
 * synchronous=FULL, restored before the connection is let go.
 */
const batchListeners: Array<(size: number) => void> = []

/** Calls `listener` with the size of every batch the group committer commits (metrics). */
export function onBatchCommitted(listener: (size: number) => void): void {
  batchListeners.push(listener)
}

export class GroupCommitter {
  private queue: Job[] = []
  private running = false
  private syncing = 0

  constructor(private readonly db: Db, private readonly wal?: Pick<WalSyncer, 'sync'>, private readonly checkpointer?: Pick<Checkpointer, 'kick' | 'wantsRestart' | 'settle'>) {}

  run<T>(fn: (trx: Db) => Promise<T>, opts: WriteOptions = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run: fn, resolve: resolve as (v: unknown) => void, reject, onRollback: opts.onRollback })
      if (!this.running) {
        this.running = true
        // Let the requests already received reach the queue first: one fsync for more of them.
        setImmediate(() => void this.drain())
      }
    })
  }

  /** Resolves once every write handed to it has been committed (or refused) and answered. */
  async idle(): Promise<void> {
    while (this.running || this.queue.length || this.syncing) await new Promise(resolve => setTimeout(resolve, 5))
  }

  private async drain() {
    try {
      while (this.queue.length) {
        // Between batches, nothing written in flight: the moment to let the log start over.
        if (this.checkpointer?.wantsRestart) await this.checkpointer.settle()
        await this.commitBatch(this.queue.splice(0, MAX_BATCH))
      }
    }
    finally {
      this.running = false
    }
  }

  private async commitBatch(batch: Job[]) {
    const done: { job: Job, value: unknown }[] = []
    const failed = new Set<Job>()
    try {
      await this.db.connection().execute(async (conn) => {
        if (this.wal) await conn.executeQuery(SYNC_NORMAL)
        try {
          await conn.executeQuery(BEGIN)
          try {
            for (const job of batch) {
              await conn.executeQuery(SAVEPOINT)
              try {
                const value = await job.run(conn)
                await conn.executeQuery(RELEASE)
                done.push({ job, value })
              }
              catch (err) {
                await conn.executeQuery(ROLLBACK_JOB)
                await conn.executeQuery(RELEASE)
                failed.add(job)
                job.onRollback?.()
                job.reject(err)
              }
            }
            await conn.executeQuery(COMMIT)
          }
          catch (err) {
            await conn.executeQuery(ROLLBACK).catch(() => {})
            throw err
          }
        }
        finally {
          if (this.wal) await conn.executeQuery(SYNC_FULL)
        }
      })
    }
    catch (err) {
      const lost = batch.filter(job => !failed.has(job))
      for (const job of lost) job.onRollback?.()
      for (const job of lost) job.reject(err)
      return
    }
    this.checkpointer?.kick()
    for (const listener of batchListeners) listener(batch.length)
    const acknowledge = () => {
      for (const { job, value } of done) job.resolve(value)
    }
    if (!this.wal || !done.length) return acknowledge()
    // Not awaited: the next batch runs while this one's log is synced.
    this.syncing++
    this.wal.sync().finally(() => this.syncing--).then(acknowledge, (err) => {
      console.error('[db] could not sync the SQLite log:', (err as Error).message)
      for (const { job } of done) job.reject(err)
    })
  }
}

const committers = new WeakMap<Db, GroupCommitter>()

/**
 * Runs `fn` in a write transaction and resolves once it is durably committed: on SQLite
 * through the group committer, on PostgreSQL as an ordinary transaction (the server
 * already commits concurrent transactions in parallel).
 */
export function writeTransaction<T>(db: Db, fn: (trx: Db) => Promise<T>, opts: WriteOptions = {}): Promise<T> {
  if (isPostgres(db)) {
    return db.transaction().execute(fn).catch((err) => {
      opts.onRollback?.()
      throw err
    })
  }
  let committer = committers.get(db)
  if (!committer) {
    const wal = walFileOf(db)
    committer = new GroupCommitter(db, wal ? new WalSyncer(wal) : undefined, checkpointerOf(db))
    committers.set(db, committer)
  }
  return committer.run(fn, opts)
}

/** Resolves once every write transaction of the database has been committed and answered (before closing it). */
export async function writesSettled(db: Db): Promise<void> {
  await committers.get(db)?.idle()
}
