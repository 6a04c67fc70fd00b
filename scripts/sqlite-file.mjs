// Where the SQLite database of this deployment is, as the server works it out
// (server/db/index.ts sqlitePath): NUXT_DATABASE_URL when it names a file, otherwise
// ticketshow.sqlite in NUXT_DATA_DIR (default .data). PostgreSQL is refused with the
// commands to use instead.
import { resolve } from 'node:path'

export function sqliteTarget(env = process.env) {
  const url = env.NUXT_DATABASE_URL ?? ''
  const dataDir = resolve(env.NUXT_DATA_DIR || '.data')
  if (/^postgres(ql)?:\/\//i.test(url)) {
    console.error('NUXT_DATABASE_URL is a PostgreSQL database: back it up with pg_dump and restore it with pg_restore (README, "Backups").')
    process.exit(2)
  }
  const path = url.replace(/^(sqlite|file):(\/\/)?/i, '')
  return { dataDir, file: path ? resolve(path) : resolve(dataDir, 'ticketshow.sqlite') }
}
