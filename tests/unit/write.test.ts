import { existsSync, fdatasync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { GroupCommitter, WalSyncer, writeTransaction } from '../../server/db/write'
import { migrateToLatest, openDb, walFileOf } from '../../server/db'
import type { Db } from '../../server/db'
import { createTestDb } from '../helpers/fixtures'

describe('writeTransaction', () => {
  let db: Db
  let destroy: () => Promise<void>
  beforeEach(async () => {
    ({ db, destroy } = await createTestDb())
  })
  afterEach(() => destroy())

  const addVenue = (trx: Db, name: string) => trx.insertInto('venues')
    .values({ name, place: 'Pune', capacity: 10, seats_per_row: 5, timezone: 'Asia/Kolkata', created_at: new Date().toISOString() })
    .returning('id').executeTakeFirstOrThrow()

  it('commits concurrent transactions that succeed and rolls back only the one that fails', async () => {
    const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => writeTransaction(db, async (trx) => {
      const row = await addVenue(trx, `Venue ${i}`)
      if (i === 17) throw new Error('job 17 fails after writing')
      return row.id
    })))
    expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(49)
    expect(results[17]).toMatchObject({ status: 'rejected', reason: { message: 'job 17 fails after writing' } })
    const names = (await db.selectFrom('venues').select('name').execute()).map(v => v.name)
    expect(names).toHaveLength(49)
    expect(names).not.toContain('Venue 17')
  })

  it('reports success only once the data is committed and visible to everyone', async () => {
    const id = await writeTransaction(db, async trx => (await addVenue(trx, 'Durable')).id)
    const row = await db.selectFrom('venues').select('name').where('id', '=', id).executeTakeFirst()
    expect(row?.name).toBe('Durable')
  })

  it('lets a failed job leave no trace, even when it fails after several writes', async () => {
    await expect(writeTransaction(db, async (trx) => {
      await addVenue(trx, 'First')
      await addVenue(trx, 'Second')
      throw new Error('nope')
    })).rejects.toThrow('nope')
    expect(await db.selectFrom('venues').selectAll().execute()).toEqual([])
  })
})

describe('group commit on a SQLite file', () => {
  let dir: string
  let db: Db
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ticketshow-write-'))
    db = openDb('', dir).db
    await migrateToLatest(db)
  })
  afterEach(async () => {
    await db.destroy()
    rmSync(dir, { recursive: true, force: true })
  })

  const addUser = (trx: Db, username: string) => trx.insertInto('users')
    .values({ username, email: `${username}@example.test`, password_hash: 'x', role: 'user', approved_at: null, created_at: new Date().toISOString() })
    .returning('id').executeTakeFirstOrThrow()

  function deferred() {
    let resolve!: () => void
    let reject!: (err: Error) => void
    const promise = new Promise<void>((res, rej) => {
      resolve = res
      reject = rej
    })
    return { promise, resolve, reject }
  }

  it('acknowledges a batch only once its log is synced, and runs the next batch meanwhile', async () => {
    const syncs: ReturnType<typeof deferred>[] = []
    const committer = new GroupCommitter(db, { sync: () => {
      syncs.push(deferred())
      return syncs.at(-1)!.promise
    } })
    let firstDone = false
    const first = committer.run(trx => addUser(trx, 'first')).then((v) => {
      firstDone = true
      return v
    })
    await vi.waitFor(() => expect(syncs).toHaveLength(1))
    // Committed (visible) but not yet acknowledged: the disk has not confirmed it.
    expect(await db.selectFrom('users').select('username').where('username', '=', 'first').executeTakeFirst()).toBeDefined()
    expect(firstDone).toBe(false)
    // Everything else still commits with synchronous=FULL (2).
    expect((await sql<{ synchronous: number }>`pragma synchronous`.execute(db)).rows[0]!.synchronous).toBe(2)
    // A second batch commits while the first one's sync is still running.
    const second = committer.run(trx => addUser(trx, 'second'))
    await vi.waitFor(() => expect(syncs).toHaveLength(2))
    expect(firstDone).toBe(false)
    syncs[0]!.resolve()
    expect(await first).toMatchObject({ id: expect.any(Number) })
    syncs[1]!.reject(new Error('disk gone'))
    await expect(second).rejects.toThrow('disk gone')
  })

  it('tells each job whose writes were rolled back, before its caller hears: its own failure, or its whole batch failing', async () => {
    const rolledBack: string[] = []
    const job = (name: string, fn: (trx: Db) => Promise<unknown>) => writeTransaction(db, fn, { onRollback: () => rolledBack.push(name) })
      .then(() => `${name} ok`, (err: Error) => `${name} failed (told: ${rolledBack.includes(name)}): ${err.message}`)
    // One batch: the middle job fails alone, the others commit.
    expect(await Promise.all([
      job('a', trx => addUser(trx, 'a')),
      job('b', async (trx) => {
        await addUser(trx, 'b')
        throw new Error('b gives up')
      }),
      job('c', trx => addUser(trx, 'c')),
    ])).toEqual(['a ok', 'b failed (told: true): b gives up', 'c ok'])
    expect(rolledBack).toEqual(['b'])
    // One batch whose commit fails (a foreign key checked only at commit): every job is told.
    rolledBack.length = 0
    const outcomes = await Promise.all([
      job('d', trx => addUser(trx, 'd')),
      job('e', async (trx) => {
        await sql`pragma defer_foreign_keys = on`.execute(trx)
        await trx.insertInto('booking_seats').values({ screening_id: 999_999, seat: 'A1', booking_id: 999_999 }).execute()
      }),
    ])
    expect(outcomes).toEqual([expect.stringMatching(/^d failed \(told: true\): .*FOREIGN KEY/), expect.stringMatching(/^e failed \(told: true\): .*FOREIGN KEY/)])
    expect(rolledBack.sort()).toEqual(['d', 'e'])
    expect((await db.selectFrom('users').select('username').orderBy('username').execute()).map(u => u.username)).toEqual(['a', 'c'])
  })

  it('syncs the real log through fdatasync, a caller waiting for a sync that began after it asked', async () => {
    await writeTransaction(db, trx => addUser(trx, 'durable'))
    const wal = walFileOf(db)!
    expect(existsSync(wal)).toBe(true)
    const calls: number[] = []
    const pending: Array<() => void> = []
    const syncer = new WalSyncer(wal, (fd, cb) => {
      calls.push(fd)
      pending.push(() => fdatasync(fd, cb))
    })
    const a = syncer.sync()
    const b = syncer.sync()
    const c = syncer.sync()
    expect(calls).toHaveLength(1)
    pending.shift()!()
    await a
    // b and c asked while a ran: they share one more sync.
    await vi.waitFor(() => expect(calls).toHaveLength(2))
    pending.shift()!()
    await Promise.all([b, c])
    expect(calls).toHaveLength(2)
  })
})
