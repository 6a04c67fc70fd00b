import { randomBytes } from 'node:crypto'
import pg from 'pg'

/** The PostgreSQL server the tests may use, or undefined to test on SQLite. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined

/** Creates a fresh, empty database on the test server and returns its URL. */
export async function createPgDatabase(baseUrl = TEST_DATABASE_URL!): Promise<{ url: string, drop: () => Promise<void> }> {
  const name = `ts_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: baseUrl })
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE "${name}"`)
  }
  finally {
    await admin.end()
  }
  const url = new URL(baseUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: baseUrl })
      await c.connect()
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
      }
      finally {
        await c.end()
      }
    },
  }
}
