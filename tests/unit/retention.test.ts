import { describe, expect, it } from 'vitest'
import { enqueueEmail, pruneOutbox } from '../../server/domain/mail'
import type { Db } from '../../server/db'
import { unique, useTestDb } from '../helpers/fixtures'

// outbox:prune: bodies go after the retention period, records stay; nothing not yet sent.
let db: Db
useTestDb(made => (db = made))

const NOW = new Date('2031-06-30T12:00:00.000Z')
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000)

async function email(status: 'pending' | 'sent' | 'captured' | 'failed', createdDaysAgo: number, withTemplate = false) {
  const dedupeKey = unique('retention:')
  await enqueueEmail(db, {
    to: 'someone@example.test', subject: `Subject ${dedupeKey}`, html: withTemplate ? '' : '<p>body</p>', text: withTemplate ? '' : 'body', kind: 'test', dedupeKey,
    headers: { 'List-Unsubscribe': '<https://x/unsubscribe>' },
    attachments: withTemplate ? undefined : [{ filename: 'a.txt', contentType: 'text/plain', content: 'eA==' }],
    template: withTemplate ? { name: 'monthly-report', figures: {} } : undefined,
  }, daysAgo(createdDaysAgo))
  const sentAt = status === 'sent' ? daysAgo(createdDaysAgo).toISOString() : null
  await db.updateTable('outbox').set({ status, sent_at: sentAt, last_error: status === 'failed' ? 'gave up' : null }).where('dedupe_key', '=', dedupeKey).execute()
  return dedupeKey
}

const row = (key: string) => db.selectFrom('outbox').selectAll().where('dedupe_key', '=', key).executeTakeFirstOrThrow()

describe('pruneOutbox', () => {
  it('drops the bodies of old sent, captured and failed emails in batches, and keeps their records', async () => {
    const old = [await email('sent', 40), await email('captured', 31, true), await email('failed', 90), await email('sent', 35, true), await email('sent', 60)]
    const keep = [await email('pending', 90), await email('sent', 29), await email('captured', 2, true)]
    const result = await pruneOutbox(db, { now: NOW, retentionDays: 30, batchSize: 2 })
    expect(result.pruned).toBe(old.length)
    for (const key of old) {
      const r = await row(key)
      expect(r).toMatchObject({ html: '', text: '', attachments: null, template: null, headers: null, to: 'someone@example.test', subject: `Subject ${key}` })
      expect(['sent', 'captured', 'failed']).toContain(r.status)
    }
    expect((await row(old[2]!)).last_error).toBe('gave up')
    expect((await row(old[0]!)).sent_at).not.toBeNull()
    for (const key of keep) {
      const r = await row(key)
      expect(r.html !== '' || r.template !== null).toBe(true)
      expect(r.headers).not.toBeNull()
    }
    // Nothing left to do: a second run prunes nothing, and a shorter period takes more.
    expect((await pruneOutbox(db, { now: NOW, retentionDays: 30 })).pruned).toBe(0)
    expect((await pruneOutbox(db, { now: NOW, retentionDays: 1 })).pruned).toBe(2)
    expect((await row(keep[0]!)).html).toBe('<p>body</p>')
  })
})
