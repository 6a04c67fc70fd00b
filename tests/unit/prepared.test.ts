import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { prepared } from '../../server/db/prepared'
import type { Db } from '../../server/db'
import { createTestDb } from '../helpers/fixtures'

describe('prepared queries', () => {
  let db: Db
  let destroy: () => Promise<void>
  beforeAll(async () => {
    ({ db, destroy } = await createTestDb())
    const now = new Date().toISOString()
    await db.insertInto('venues').values([
      { name: 'Rex', place: 'Pune', capacity: 10, seats_per_row: 5, timezone: 'Asia/Kolkata', created_at: now },
      { name: 'Plaza', place: 'Pune', capacity: 40, seats_per_row: 8, timezone: 'Asia/Kolkata', created_at: now },
      { name: 'Odeon', place: 'Leeds', capacity: 40, seats_per_row: 8, timezone: 'Europe/London', created_at: now },
    ]).execute()
  })
  afterAll(() => destroy())

  // A constant ('Pune') is fixed when first compiled; the parameters change every run.
  const inPune = prepared((db: Db, min: number, name: string) => db.selectFrom('venues').select('name')
    .where('place', '=', 'Pune').where('capacity', '>=', min).where('name', '!=', name).orderBy('name'))

  it('runs with the values of each call, not of the first', async () => {
    expect((await inPune(db, 0, 'nobody')).rows.map(r => r.name)).toEqual(['Plaza', 'Rex'])
    expect((await inPune(db, 20, 'nobody')).rows.map(r => r.name)).toEqual(['Plaza'])
    expect((await inPune(db, 0, 'Plaza')).rows.map(r => r.name)).toEqual(['Rex'])
  })

  it('passes one parameter used twice in both places', async () => {
    const grow = prepared((db: Db, name: string, by: number) => db.updateTable('venues')
      .set(eb => ({ capacity: eb('capacity', '+', by) })).where('name', '=', name).where(eb => eb(eb('capacity', '+', by), '<=', 48)))
    expect(Number((await grow(db, 'Odeon', 8)).numAffectedRows)).toBe(1)
    expect(Number((await grow(db, 'Odeon', 8)).numAffectedRows)).toBe(0) // 56 > 48: refused, unchanged
    const odeon = await db.selectFrom('venues').select('capacity').where('name', '=', 'Odeon').executeTakeFirstOrThrow()
    expect(odeon.capacity).toBe(48)
  })

  it('refuses a query whose build swallowed a parameter instead of passing it on', async () => {
    const careless = prepared((db: Db, min: number) => db.selectFrom('venues').select('name').where('capacity', '>=', typeof min === 'number' ? min : 0))
    await expect(careless(db, 5)).rejects.toThrow(/parameter 0 does not reach the SQL/)
  })

  it('runs inside a transaction and sees its uncommitted writes', async () => {
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('venues').values({ name: 'Gem', place: 'Pune', capacity: 12, seats_per_row: 6, timezone: 'Asia/Kolkata', created_at: new Date().toISOString() }).execute()
      expect((await inPune(trx, 11, 'Plaza')).rows.map(r => r.name)).toEqual(['Gem'])
    })
  })
})
