import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, Migrator, PostgresAdapter, PostgresDialect, SqliteDialect } from 'kysely'
import pg from 'pg'
import { Checkpointer, sqliteDriverPath } from './checkpointer'
import { migrationProvider } from './migrations'
import { preparedName } from './prepared'
import { ReaderPool } from './readers'
import type { Database } from './schema'

export type Db = Kysely<Database>
export type Dialect = 'sqlite' | 'postgres'

const PG_TIMESTAMPTZ = 1184
const PG_INT8 = 20
const PG_NUMERIC = 1700

/** Instants come back as ISO-8601 strings and counts as numbers on both dialects. */
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === PG_TIMESTAMPTZ) return (v: string) => new Date(v).toISOString()
    if (oid === PG_INT8 || oid === PG_NUMERIC) return (v: string) => Number(v)
    return pg.types.getTypeParser(oid, format)
  },
}

/** True when the database (or transaction) runs on PostgreSQL. */
export function isPostgres(db: Kysely<Database>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter
}

export function dialectOfUrl(url: string): Dialect {
  return /^postgres(ql)?:\/\//i.test(url) ? 'postgres' : 'sqlite'
}

/** The SQLite file a URL names: `sqlite:path`, `file:path`, a bare path or `:memory:`. */
export function sqlitePath(url: string, dataDir: string): string {
  const path = url.replace(/^(sqlite|file):(\/\/)?/i, '')
  if (!path) return resolve(dataDir, 'ticketshow.sqlite')
  return path === ':memory:' ? path : resolve(path)
}

export interface OpenOptions {
  /**
   * SQLite file: worker threads, each with a read-only connection of its own, that the
   * catalogue's listings are read on (readers.ts); 0, the default, reads on the main
   * connection only. Ignored in memory and on PostgreSQL (its pool reads in parallel).
   */
  readers?: number
}

/** Opens a database: PostgreSQL for a postgres:// URL, otherwise a durable SQLite file. */
export function openDb(url: string, dataDir = '.data', opts: OpenOptions = {}): { db: Db, dialect: Dialect } {
  if (dialectOfUrl(url) === 'postgres') {
    const pool = new pg.Pool({ connectionString: url, max: Number(process.env.NUXT_DATABASE_POOL_SIZE) || 10, connectionTimeoutMillis: 5000, types: pgTypes })
    // An idle client losing its connection must not crash the process.
    pool.on('error', err => console.error('[db] idle PostgreSQL client error:', err.message))
    // The hot statements run prepared, by name (prepared.ts, keepPrepared).
    pool.on('connect', (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown
      client.query = ((text: unknown, values?: unknown, callback?: unknown) => {
        const name = typeof text === 'string' ? preparedName(text) : undefined
        return name ? query({ name, text, values }, callback) : query(text, values, callback)
      }) as typeof client.query
    })
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
    pgPools.set(db, pool)
    return { db, dialect: 'postgres' }
  }
  const file = sqlitePath(url, dataDir)
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
  const sqlite = new SQLite(file)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = FULL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  // Savepoint journals (the group committer opens a savepoint per booking) in memory, not in
  // temporary files: measured, the booking transaction's inserts ran five times slower.
  sqlite.pragma('temp_store = memory')
  let checkpointer: Checkpointer | undefined
  const driver = file === ':memory:' ? undefined : sqliteDriverPath()
  if (driver) {
    // Checkpoints on a worker thread, not inside a COMMIT on the event loop (checkpointer.ts).
    checkpointer = new Checkpointer(file, driver, (err) => {
      console.error(`[db] checkpoints are back on the main connection: ${err.message}`)
      try {
        sqlite.pragma('wal_autocheckpoint = 1000')
      }
      catch { /* closed */ }
    })
    sqlite.pragma('wal_autocheckpoint = 0')
  }
  const readers = driver && opts.readers ? openReaders(file, driver, opts.readers) : undefined
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite, checkpointer, readers) }) })
  if (file !== ':memory:') walFiles.set(db, { wal: `${file}-wal`, checkpointer, readers })
  return { db, dialect: 'sqlite' }
}

/** At most this many reader threads, whatever is asked. */
export const MAX_READERS = 16

function openReaders(file: string, driver: string, size: number): ReaderPool | undefined {
  try {
    return new ReaderPool(file, driver, Math.min(Math.max(0, Math.floor(size)), MAX_READERS), {
      onFailure: err => console.error(`[db] a reader thread failed (${err.message}); its reads go to the others, or to the main connection`),
    })
  }
  catch (err) {
    // No worker threads here: every read stays on the main connection.
    console.error(`[db] no reader threads (${(err as Error).message}); reading on the main connection`)
    return undefined
  }
}

const walFiles = new WeakMap<Db, { wal: string, checkpointer?: Checkpointer, readers?: ReaderPool }>()
const pgPools = new WeakMap<Db, pg.Pool>()

/** The connection pool of a PostgreSQL database opened by openDb (for what needs pg itself: the rate limiter). */
export function pgPoolOf(db: Db): pg.Pool | undefined {
  return pgPools.get(db)
}

/** The write-ahead log of a SQLite database opened by openDb (none in memory or on PostgreSQL). */
export function walFileOf(db: Db): string | undefined {
  return walFiles.get(db)?.wal
}

/** The worker that checkpoints a SQLite file database opened by openDb. */
export function checkpointerOf(db: Db): Checkpointer | undefined {
  return walFiles.get(db)?.checkpointer
}

/** The reader threads of a SQLite file database opened by openDb with `readers`, while any is up. */
export function readersOf(db: Db): ReaderPool | undefined {
  const readers = walFiles.get(db)?.readers
  return readers?.size ? readers : undefined
}

/**
 * Kysely prepares every query anew; preparing costs more than running a small query, so
 * keep the prepared statements of recent SQL texts (bounded, oldest dropped first).
 * Safe because Kysely runs one statement at a time on this connection and never streams.
 */
function withStatementCache(sqlite: SQLite.Database, checkpointer?: Checkpointer, readers?: ReaderPool, max = 500): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>()
  return new Proxy(sqlite, {
    get(target, prop) {
      if (prop === 'close') {
        // Kysely's destroy(): the checkpoint and reader threads go with the connection.
        return () => {
          void checkpointer?.close()
          void readers?.close()
          return target.close()
        }
      }
      if (prop !== 'prepare') {
        const value = Reflect.get(target, prop, target)
        return typeof value === 'function' ? value.bind(target) : value
      }
      return (source: string) => {
        let stmt = cache.get(source)
        if (stmt) {
          cache.delete(source)
        }
        else {
          stmt = target.prepare(source)
          if (cache.size >= max) cache.delete(cache.keys().next().value!)
        }
        cache.set(source, stmt)
        return stmt
      }
    },
  })
}

/** Applies every pending migration; throws on the first that fails (it is rolled back). */
/** The migrations this build knows that the database has not had yet (none: the schema is current). */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider })
  return (await migrator.getMigrations()).filter(m => !m.executedAt).map(m => m.name)
}

export async function migrateToLatest(db: Db): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider })
  const { error, results } = await migrator.migrateToLatest()
  for (const r of results ?? []) {
    if (r.status === 'Success') console.info(`[db] migration ${r.migrationName} applied`)
    else if (r.status === 'Error') console.error(`[db] migration ${r.migrationName} failed`)
  }
  if (error) throw error
}
