import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import SQLite from 'better-sqlite3'
import { sql } from 'kysely'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { checkpointerOf, migrateToLatest, openDb, walFileOf } from '../../server/db'
import type { Db } from '../../server/db'
import { writeTransaction } from '../../server/db/write'

describe('checkpoints on a worker thread', () => {
  let dir: string
  let db: Db
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ticketshow-ckpt-'))
    db = openDb('', dir).db
    await migrateToLatest(db)
  })
  afterEach(async () => {
    await db.destroy()
    rmSync(dir, { recursive: true, force: true })
  })

  const addUsers = (from: number, n: number) => Promise.all(Array.from({ length: n }, (_, i) => writeTransaction(db, trx => trx.insertInto('users')
    .values({ username: `u${from + i}`, email: `u${from + i}@example.test`, password_hash: 'x'.repeat(3000), role: 'user', approved_at: null, created_at: new Date().toISOString() })
    .execute())))

  it('takes the checkpoints off the main connection', async () => {
    expect(checkpointerOf(db)).toBeDefined()
    const { rows } = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(db)
    expect(rows[0]!.wal_autocheckpoint).toBe(0)
  })

  it('copies the log into the database file and starts the log over while writes keep coming', async () => {
    // Writes without a pause (3 KB rows): about 50 MB of log if it were never started over;
    // started over from 4,000 frames (16 MB, seen a checkpoint late), it stays well below.
    for (let wave = 0; wave < 100; wave++) await addUsers(wave * 100, 100)
    const walBytes = statSync(walFileOf(db)!).size
    expect(walBytes).toBeGreaterThan(0)
    expect(walBytes).toBeLessThan(32 * 1024 * 1024)
    // Once the worker has caught up, the database file alone (read without its log) holds the rows.
    await new Promise(r => setTimeout(r, 1500))
    const copy = join(dir, 'copy.sqlite')
    copyFileSync(join(dir, 'ticketshow.sqlite'), copy)
    const alone = new SQLite(copy, { readonly: true })
    expect(alone.prepare('select count(*) as n from users where username like \'u%\'').get()).toEqual({ n: 10_000 })
    alone.close()
  })

  it('asks for one pause per start-over, not another before the very next batch', async () => {
    const ckpt = checkpointerOf(db)!
    // One big write outside the group committer: over 4,000 frames of log.
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < 60; i++) {
        await trx.insertInto('users').values(Array.from({ length: 100 }, (_, k) => ({ username: `big${i}-${k}`, email: `big${i}-${k}@example.test`, password_hash: 'x'.repeat(3000), role: 'user' as const, approved_at: null, created_at: new Date().toISOString() }))).execute()
      }
    })
    await ckpt.settle()
    // The log is copied and the next write starts it over: no second pause is wanted.
    expect(ckpt.wantsRestart).toBe(false)
  })

  it('gives the checkpoints back to the main connection when the worker dies', async () => {
    const ckpt = checkpointerOf(db)!
    // Stop the worker as if it had crashed.
    await (ckpt as unknown as { worker: { terminate: () => Promise<number> } }).worker.terminate()
    await new Promise(r => setTimeout(r, 50))
    const { rows } = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(db)
    expect(rows[0]!.wal_autocheckpoint).toBe(1000)
    await addUsers(0, 10) // writes go on
  })
})
