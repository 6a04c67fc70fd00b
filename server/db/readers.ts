import { Worker } from 'node:worker_threads'

// Runs in each worker: its own read-only connection to the same WAL file. A WAL reader sees
// every transaction committed before its read began and never waits for the writer, so
// reads run in parallel with each other and with the main connection's writes.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const db = new Database(workerData.file, { readonly: true, fileMustExist: true })
db.pragma('busy_timeout = 5000')
// Pages straight from the OS's cache of the file, without a read (and a copy) for each
// page this connection's own small cache lacks: a listing's first read was a fifth faster.
db.pragma('mmap_size = ' + workerData.mmapBytes)

const statements = new Map()
function prepare(source) {
  let stmt = statements.get(source)
  if (stmt) statements.delete(source)
  else {
    stmt = db.prepare(source)
    if (statements.size >= 500) statements.delete(statements.keys().next().value)
  }
  statements.set(source, stmt)
  return stmt
}
const BEGIN = db.prepare('begin')
const COMMIT = db.prepare('commit')
const DATA_VERSION = db.prepare('pragma data_version').pluck()

// Ordered lists of ids, by key, as of one data version (changes committed by any other
// connection move it, so every list goes as soon as anything is written).
const lists = new Map()
let listsVersion = -1
let listedIds = 0
function remember(key, list) {
  lists.set(key, list)
  listedIds += list.ids.length
  while (lists.size > workerData.maxLists || (listedIds > workerData.maxListedIds && lists.size > 1)) {
    const [oldest, dropped] = lists.entries().next().value
    lists.delete(oldest)
    listedIds -= dropped.ids.length
  }
}

function bind(q, ids, first) {
  const params = q.parameters.slice()
  if (q.ids !== undefined) params[q.ids] = ids
  if (q.first !== undefined) params[q.first] = first
  return params
}

function all(q, ids, first) {
  return prepare(q.sql).raw(false).pluck(false).all(...bind(q, ids, first))
}

function listing(job) {
  BEGIN.run()
  try {
    // Read inside the transaction: the version of the snapshot the queries below read.
    const version = DATA_VERSION.get()
    if (version !== listsVersion) {
      lists.clear()
      listedIds = 0
      listsVersion = version
    }
    let list = lists.get(job.key)
    if (list && list.until !== null && !(job.now < list.until)) list = undefined
    if (list) {
      lists.delete(job.key)
      lists.set(job.key, list)
    }
    else {
      // The first column alone: an array for each of thousands of rows adds a third to
      // the time of the query.
      const ids = Int32Array.from(prepare(job.list.sql).raw(false).pluck(true).all(...job.list.parameters))
      // An empty list stays empty as time passes; one whose instant is not found is not kept.
      let until = null
      if (job.until && ids.length) until = prepare(job.until.sql).raw(false).pluck(true).get(...bind(job.until, null, ids[0])) ?? ''
      list = { ids, until }
      remember(job.key, list)
    }
    const ids = Array.from(list.ids.subarray(job.offset, job.offset + job.limit))
    const json = JSON.stringify(ids)
    const results = job.page.map(q => (ids.length ? all(q, json) : []))
    return { total: list.ids.length, ids, results }
  }
  finally {
    if (db.inTransaction) COMMIT.run()
  }
}

function answer(msg) {
  try {
    const result = msg.op === 'listing' ? listing(msg.job) : all(msg.query)
    parentPort.postMessage({ id: msg.id, result })
  }
  catch (err) {
    parentPort.postMessage({ id: msg.id, error: { message: err.message, code: err.code } })
  }
}

// One read per turn of the event loop, so that reads asked meanwhile are seen: a page of a
// list kept here (a fraction of a millisecond) goes before a list to read (milliseconds
// each, tens of them when the server has just started), unless the oldest has waited long.
const queue = []
let turn = false
function next() {
  turn = false
  let i = 0
  if (Date.now() - queue[0].at < workerData.maxWaitMs) {
    const kept = queue.findIndex(m => m.op === 'listing' && lists.has(m.job.key))
    if (kept > 0) i = kept
  }
  answer(queue.splice(i, 1)[0])
  if (queue.length && !turn) {
    turn = true
    setImmediate(next)
  }
}
parentPort.on('message', (msg) => {
  msg.at = Date.now()
  queue.push(msg)
  if (!turn) {
    turn = true
    setImmediate(next)
  }
})
`

/** A compiled query as Kysely makes it, sent to a worker. */
export interface ReadQuery {
  sql: string
  parameters: readonly unknown[]
  /** the parameter that takes the page's ids (a JSON array, for `json_each`) */
  ids?: number
  /** the parameter that takes the list's first id */
  first?: number
}

/**
 * One page of an ordered list, read in one read transaction of one worker. `list` gives
 * every id in order (its first column); `until`, given the first id, the instant from
 * which the list would change as time passes (a showtime that starts: the list must be
 * ordered by it). The worker keeps the ids under `key` while nothing is written to the
 * database and `now` is before that instant, so the pages of a list and its total cost
 * one run of `list`. Then each of `page` runs with the page's ids. `key` must always
 * name the same list, whatever `now` is; a list without `until` is kept until a write.
 */
export interface ListingJob {
  key: string
  list: ReadQuery
  until?: ReadQuery
  now: string
  offset: number
  limit: number
  page: ReadQuery[]
}

export interface ListingResult {
  /** the length of the whole list */
  total: number
  /** the page's ids, in the list's order */
  ids: number[]
  /** the rows of each of the job's page queries */
  results: Record<string, unknown>[][]
}

/** The pool cannot answer (stopped, or its workers failed): read on the main connection instead. */
export class ReadersUnavailable extends Error {
  constructor(message = 'no reader threads') {
    super(message)
    this.name = 'ReadersUnavailable'
  }
}

type Pending = { resolve: (v: unknown) => void, reject: (e: Error) => void }

interface Reader {
  worker: Worker
  pending: Map<number, Pending>
  alive: boolean
}

export interface ReaderPoolOptions {
  /** ordered lists kept per worker (most recently used) */
  maxLists?: number
  /** ids kept over all those lists, per worker */
  maxListedIds?: number
  /** how long a read may wait while pages of kept lists go first (ms) */
  maxWaitMs?: number
  /** told once when a worker fails (its reads, and the next, go to the other workers) */
  onFailure?: (err: Error) => void
}

/** Reads queued on a list's worker, beyond the least busy one's, before another takes them. */
const SPILL_AFTER = 32

/** FNV-1a: the same key to the same worker, so its kept list serves the next pages. */
function hash(key: string): number {
  let h = 0x811C9DC5
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193)
  return h >>> 0
}

/**
 * A fixed number of worker threads, each with its own read-only connection to a SQLite file
 * in WAL mode, that the catalogue's listings are read on, in parallel and off the event loop.
 * Writes stay on the main connection. A read begins after the request that asks for it, so
 * it sees every write committed before (read-your-writes). A worker that fails is left out;
 * with none left every call rejects with ReadersUnavailable, and callers read on the main
 * connection.
 */
export class ReaderPool {
  private readonly readers: Reader[]
  private nextId = 0
  private closing: Promise<void> | undefined

  constructor(file: string, driver: string, size: number, private readonly opts: ReaderPoolOptions = {}) {
    const workerData = { file, driver, maxLists: opts.maxLists ?? 200, maxListedIds: opts.maxListedIds ?? 2_000_000, maxWaitMs: opts.maxWaitMs ?? 200, mmapBytes: 1 << 30 }
    this.readers = Array.from({ length: size }, () => {
      const reader: Reader = { worker: new Worker(WORKER_SOURCE, { eval: true, workerData }), pending: new Map(), alive: true }
      reader.worker.unref()
      reader.worker.on('message', (msg: { id: number, result?: unknown, error?: { message: string, code?: string } }) => {
        const waiter = reader.pending.get(msg.id)
        reader.pending.delete(msg.id)
        if (!reader.pending.size) reader.worker.unref()
        if (!waiter) return
        if (msg.error) waiter.reject(Object.assign(new Error(msg.error.message), { code: msg.error.code }))
        else waiter.resolve(msg.result)
      })
      reader.worker.on('error', err => this.fail(reader, err as Error))
      reader.worker.on('exit', code => this.fail(reader, new Error(`reader thread exited (${code})`)))
      return reader
    })
  }

  /** Workers still answering. */
  get size(): number {
    return this.readers.filter(r => r.alive).length
  }

  /** One page of an ordered list (see ListingJob), on the worker that keeps that list. */
  async listing(job: ListingJob): Promise<ListingResult> {
    return await this.send(this.pick(job.key), { op: 'listing', job }) as ListingResult
  }

  /** Every row of one read-only query, on the least busy worker. */
  async all<R = Record<string, unknown>>(query: ReadQuery): Promise<R[]> {
    return await this.send(this.pick(), { op: 'all', query }) as R[]
  }

  /** Ends the workers; what they were still reading rejects with ReadersUnavailable. Idempotent. */
  close(): Promise<void> {
    this.closing ??= Promise.all(this.readers.map(async (r) => {
      this.fail(r, new ReadersUnavailable('reader threads stopped'), false)
      await r.worker.terminate()
    })).then(() => {})
    return this.closing
  }

  /**
   * The worker for `key` (by hash: it keeps that list, and another would read it again),
   * unless that one has far more to do than another; else the least busy.
   */
  private pick(key?: string): Reader {
    const alive = this.readers.filter(r => r.alive)
    if (!alive.length) throw new ReadersUnavailable()
    let least = alive[0]!
    for (const r of alive) if (r.pending.size < least.pending.size) least = r
    if (key === undefined) return least
    const preferred = alive[hash(key) % alive.length]!
    return preferred.pending.size <= least.pending.size + SPILL_AFTER ? preferred : least
  }

  private send(reader: Reader, msg: object): Promise<unknown> {
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      reader.pending.set(id, { resolve, reject })
      // Keeps the process up while a read is out; an idle pool does not.
      if (reader.pending.size === 1) reader.worker.ref()
      reader.worker.postMessage({ id, ...msg })
    })
  }

  private fail(reader: Reader, err: Error, report = true) {
    if (!reader.alive) return
    reader.alive = false
    const gone = new ReadersUnavailable(err.message)
    for (const w of reader.pending.values()) w.reject(gone)
    reader.pending.clear()
    reader.worker.unref()
    if (report && !this.closing) this.opts.onFailure?.(err)
  }
}
