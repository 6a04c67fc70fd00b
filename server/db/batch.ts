import type { Db } from '.'

/**
 * Batches one kind of PostgreSQL read across the requests the server is handling at once:
 * the keys asked for during one turn of the event loop go to the database as one query
 * (`run`, which answers each key in order, undefined where it found nothing) on one
 * connection, in one round trip. A round trip costs the server far more than the query
 * costs the database (the socket write, the wake-up, parsing the answer), so at load this
 * is most of what a request costs; alone, a request waits at most that one turn.
 *
 * Only for the root database: a transaction's reads must see its own writes, so they run
 * alone (`one`).
 */
export function batched<K, R>(run: (db: Db, keys: K[]) => Promise<(R | undefined)[]>, one: (db: Db, key: K) => Promise<R | undefined>, max = 128): (db: Db, key: K) => Promise<R | undefined> {
  const queues = new WeakMap<Db, { keys: K[], waiting: { resolve: (r: R | undefined) => void, reject: (e: unknown) => void }[] }>()

  const flush = (db: Db) => {
    const queue = queues.get(db)
    if (!queue) return
    queues.delete(db)
    for (let start = 0; start < queue.keys.length; start += max) {
      const keys = queue.keys.slice(start, start + max)
      const waiting = queue.waiting.slice(start, start + max)
      const answer = keys.length === 1 ? one(db, keys[0]!).then(r => [r]) : run(db, keys)
      answer.then(
        rows => waiting.forEach((w, i) => w.resolve(rows[i])),
        err => waiting.forEach(w => w.reject(err)),
      )
    }
  }

  return (db, key) => {
    if (db.isTransaction) return one(db, key)
    return new Promise((resolve, reject) => {
      let queue = queues.get(db)
      if (!queue) {
        queues.set(db, (queue = { keys: [], waiting: [] }))
        setImmediate(flush, db)
      }
      queue.keys.push(key)
      queue.waiting.push({ resolve, reject })
    })
  }
}

/**
 * A batched query's rows put back in the order of its keys: each row carries `batch_i`, the
 * 1-based position of its key (`with ordinality`), which is dropped; undefined where a key
 * found no row.
 */
export function inKeyOrder<R>(rows: (R & { batch_i: string | number })[], count: number): (R | undefined)[] {
  const found: (R | undefined)[] = Array.from({ length: count })
  for (const { batch_i, ...row } of rows) found[Number(batch_i) - 1] = row as R
  return found
}
