#!/usr/bin/env node
// `npm run db:backup -- FILE`: a consistent copy of the SQLite database, taken while the
// server goes on serving (SQLite's online backup API, through better-sqlite3: the copy is
// one snapshot, whatever is written meanwhile), into one self-contained FILE. Posters live
// in the database, so they come with it; the generated signing key (<data dir>/auth-secret)
// is put in the copy too, in a table of its own, so restored sessions and unsubscribe links
// keep working. `npm run db:restore -- FILE` puts it back.
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { sqliteTarget } from './sqlite-file.mjs'

const target = process.argv[2]
if (!target) {
  console.error('Usage: npm run db:backup -- FILE')
  process.exit(2)
}
const { dataDir, file } = sqliteTarget()
if (!existsSync(file)) {
  console.error(`No database at ${file} (set NUXT_DATA_DIR or NUXT_DATABASE_URL)`)
  process.exit(1)
}
if (existsSync(target)) {
  console.error(`${target} exists already: choose a new file`)
  process.exit(1)
}

const started = Date.now()
const partial = `${target}.partial`
rmSync(partial, { force: true })
const source = new Database(file, { fileMustExist: true })
source.pragma('busy_timeout = 10000')
try {
  // After the first steps, every remaining page in one step: one read snapshot, which a
  // writer in the server (WAL mode) never has to wait for and cannot tear.
  await source.backup(partial, { progress: () => 0x7fffffff })
}
finally {
  source.close()
}

const copy = new Database(partial)
try {
  copy.pragma('journal_mode = DELETE')
  const check = copy.pragma('integrity_check', { simple: true })
  if (check !== 'ok') throw new Error(`the copy failed its integrity check: ${check}`)
  copy.exec('create table ticketshow_backup (key text primary key, value text not null)')
  const put = copy.prepare('insert into ticketshow_backup (key, value) values (?, ?)')
  put.run('created_at', new Date().toISOString())
  put.run('source', file)
  const secretFile = join(dataDir, 'auth-secret')
  if (existsSync(secretFile)) put.run('auth_secret', readFileSync(secretFile, 'utf8').trim())
  else console.info('[backup] no generated signing key in the data dir: the deployment sets NUXT_AUTH_SECRET; keep it with the backup')
}
finally {
  copy.close()
}
renameSync(partial, target)
const bookings = new Database(target, { readonly: true }).prepare('select count(*) as n from bookings').get().n
console.info(`[backup] ${target}: ${bookings} bookings, in ${Date.now() - started} ms`)
