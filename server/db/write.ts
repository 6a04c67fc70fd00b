import type { Db } from '.'
import { isPostgres } from '.'

type Job = { run: (trx: Db) => Promise<unknown>, resolve: (v: unknown) => void, reject: (e: unknown) => void }

const MAX_BATCH = 256

/**
 * Group commit for SQLite. A durable commit (WAL, synchronous=FULL) costs one fsync, and
 * SQLite commits one transaction at a time, so committing each booking alone caps the
 * rate at the disk's fsync rate and makes the 64th concurrent buyer wait 64 fsyncs.
 * Instead, the write transactions that arrive while one commit is in flight run together
 * in the next transaction, each inside its own savepoint: a job that fails rolls back to
 * its savepoint alone (and its caller gets its error at once); the others commit together,
 * and only after that commit does any of them report success. Nothing is acknowledged
 * before it is on disk.
 */
class GroupCommitter {
  private queue: Job[] = []
  private running = false

  constructor(private readonly db: Db) {}

  run<T>(fn: (trx: Db) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run: fn, resolve: resolve as (v: unknown) => void, reject })
      if (!this.running) {
        this.running = true
        // Let the requests already received reach the queue first: one fsync for more of them.
        setImmediate(() => void this.drain())
      }
    })
  }

  private async drain() {
    try {
      while (this.queue.length) await this.commitBatch(this.queue.splice(0, MAX_BATCH))
    }
    finally {
      this.running = false
    }
  }

  private async commitBatch(batch: Job[]) {
    const done: { job: Job, value: unknown }[] = []
    let trx
    try {
      trx = await this.db.startTransaction().execute()
    }
    catch (err) {
      for (const job of batch) job.reject(err)
      return
    }
    try {
      for (const [i, job] of batch.entries()) {
        const name = `job${i}`
        const sp = await trx.savepoint(name).execute()
        try {
          const value = await job.run(sp)
          await sp.releaseSavepoint(name).execute()
          done.push({ job, value })
        }
        catch (err) {
          await sp.rollbackToSavepoint(name).execute()
          job.reject(err)
        }
      }
      await trx.commit().execute()
    }
    catch (err) {
      await trx.rollback().execute().catch(() => {})
      for (const { job } of done) job.reject(err)
      return
    }
    for (const { job, value } of done) job.resolve(value)
  }
}

const committers = new WeakMap<Db, GroupCommitter>()

/**
 * Runs `fn` in a write transaction and resolves once it is durably committed: on SQLite
 * through the group committer, on PostgreSQL as an ordinary transaction (the server
 * already commits concurrent transactions in parallel).
 */
export function writeTransaction<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  if (isPostgres(db)) return db.transaction().execute(fn)
  let committer = committers.get(db)
  if (!committer) {
    committer = new GroupCommitter(db)
    committers.set(db, committer)
  }
  return committer.run(fn)
}
