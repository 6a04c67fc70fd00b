#!/usr/bin/env node
// `npm run db:restore -- FILE`: puts a backup made by `npm run db:backup` into an empty data
// dir (NUXT_DATA_DIR): the database, with its posters, and the signing key it carried.
// Refuses a data dir that already holds a database, and a file that is not a sound
// TicketShow backup. Start the server on the data dir afterwards; it migrates the copy if it
// is older than the build.
import { chmodSync, copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import Database from 'better-sqlite3'
import { sqliteTarget } from './sqlite-file.mjs'

const source = process.argv[2]
if (!source) {
  console.error('Usage: npm run db:restore -- FILE')
  process.exit(2)
}
const { dataDir, file } = sqliteTarget()
if (!existsSync(source)) {
  console.error(`No backup at ${source}`)
  process.exit(1)
}
for (const path of [file, `${file}-wal`, join(dataDir, 'auth-secret')]) {
  if (existsSync(path)) {
    console.error(`${path} exists: restore into an empty data dir (move the current one aside first)`)
    process.exit(1)
  }
}

const probe = new Database(source, { readonly: true, fileMustExist: true })
let secret
try {
  const tables = new Set(probe.prepare('select name from sqlite_master where type = \'table\'').all().map(r => r.name))
  if (!tables.has('ticketshow_backup') || !tables.has('kysely_migration')) throw new Error(`${source} is not a TicketShow backup (made by npm run db:backup)`)
  const check = probe.pragma('integrity_check', { simple: true })
  if (check !== 'ok') throw new Error(`${source} fails its integrity check: ${check}`)
  secret = probe.prepare('select value from ticketshow_backup where key = \'auth_secret\'').get()?.value
}
catch (err) {
  console.error(err.message.startsWith(source) ? err.message : `${source} is not a TicketShow backup (${err.message})`)
  process.exit(1)
}
finally {
  probe.close()
}

mkdirSync(dirname(file), { recursive: true })
const partial = `${file}.restoring`
copyFileSync(source, partial)
const db = new Database(partial)
try {
  db.exec('drop table ticketshow_backup')
  db.pragma('journal_mode = WAL')
}
finally {
  db.close()
}
copyFileSync(partial, file)
rmSync(partial, { force: true })
for (const suffix of ['-wal', '-shm']) rmSync(`${partial}${suffix}`, { force: true })
if (secret) {
  writeFileSync(join(dataDir, 'auth-secret'), `${secret}\n`, { mode: 0o600, flag: 'wx' })
  chmodSync(join(dataDir, 'auth-secret'), 0o600)
}
const bookings = new Database(file, { readonly: true }).prepare('select count(*) as n from bookings').get().n
console.info(`[restore] ${file}: ${bookings} bookings${secret ? ', and the signing key' : ''}`)
