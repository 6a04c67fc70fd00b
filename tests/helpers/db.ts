import { openDb, migrateToLatest } from '../../server/db'
import type { Db, Dialect } from '../../server/db'
import { TEST_DATABASE_URL, createPgDatabase } from './pg'

/**
 * A migrated, empty database for one test file: in-memory SQLite by default, a fresh
 * PostgreSQL database when TEST_DATABASE_URL is set.
 */
export async function createTestDb(): Promise<{ db: Db, dialect: Dialect, destroy: () => Promise<void> }> {
  if (TEST_DATABASE_URL) {
    const pgDb = await createPgDatabase()
    const { db, dialect } = openDb(pgDb.url)
    await migrateToLatest(db)
    const destroy = async () => {
      await db.destroy()
      await pgDb.drop()
    }
    return { db, dialect, destroy }
  }
  const { db, dialect } = openDb(':memory:')
  await migrateToLatest(db)
  return { db, dialect, destroy: () => db.destroy() }
}
