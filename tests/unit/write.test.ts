import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { writeTransaction } from '../../server/db/write'
import type { Db } from '../../server/db'
import { createTestDb } from '../helpers/db'

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
