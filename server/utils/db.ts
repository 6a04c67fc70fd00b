import type { Db, Dialect } from '../db'
import { openDb } from '../db'

interface DbState {
  db: Db
  dialect: Dialect
  ready: boolean
}

let state: DbState | undefined

/** The one database of this process, opened lazily from runtime config. */
export function useDbState(): DbState {
  if (!state) {
    const config = useRuntimeConfig()
    const { db, dialect } = openDb(config.databaseUrl, config.dataDir)
    state = { db, dialect, ready: false }
  }
  return state
}

/** The database; handlers call this (never a module-level connection). */
export function useDb(): Db {
  return useDbState().db
}
