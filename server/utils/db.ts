import { availableParallelism } from 'node:os'
import type { Db, Dialect } from '../db'
import { MAX_READERS, openDb, readersOf } from '../db'
import { isServerless } from './lifecycle'

interface DbState {
  db: Db
  dialect: Dialect
  ready: boolean
  /** serverless: the migrations the database still lacks (the deploy step has not run) */
  behind?: string[]
}

let state: DbState | undefined

/**
 * How many reader threads the catalogue's listings are read on (SQLite file only): as
 * configured (NUXT_DB_READERS; 0 turns them off), else one per core, at most 4. None but on
 * a Node server (serverless presets run a function per request; nothing to share there).
 */
export function dbReaders(configured: unknown, preset = String(import.meta.preset ?? '')): number {
  if (isServerless(preset)) return 0
  const n = configured === '' || configured === 'auto' || configured === undefined ? Math.min(availableParallelism(), 4) : Number(configured)
  return Number.isFinite(n) ? Math.min(Math.max(0, Math.floor(n)), MAX_READERS) : 0
}

/** The one database of this process, opened lazily from runtime config. */
export function useDbState(): DbState {
  if (!state) {
    const config = useRuntimeConfig()
    const { db, dialect } = openDb(config.databaseUrl, config.dataDir, { readers: dbReaders(config.dbReaders) })
    const readers = readersOf(db)?.size
    if (readers) console.info(`[db] catalogue listings read on ${readers} reader thread${readers === 1 ? '' : 's'}`)
    state = { db, dialect, ready: false }
  }
  return state
}

/** The database; handlers call this (never a module-level connection). */
export function useDb(): Db {
  return useDbState().db
}
