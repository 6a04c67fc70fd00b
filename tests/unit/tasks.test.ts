import { describe, expect, it } from 'vitest'
import { createUser, maskEmail, unsubscribe, unsubscribeState } from '../../server/domain/accounts'
import { isScheduledRun, listTasks, recordTaskRun, reminderDue, reportDue, scheduledTasks, schedulerAllows } from '../../server/domain/tasks'
import { unsubscribeLinks, unsubscribeToken, verifyUnsubscribeToken } from '../../server/domain/mail'
import type { Db } from '../../server/db'
import { rejection, useTestDb } from '../helpers/fixtures'

let db: Db
useTestDb(made => (db = made))

const SCHEDULE = { reminderTime: '18:00', timezone: 'Asia/Kolkata' }
const clockAt = (iso: string) => () => new Date(iso)

describe('the scheduler gate', () => {
  it('tells the cron runner\'s runs (they carry scheduledTime) from runs on demand', () => {
    expect(isScheduledRun({ scheduledTime: Date.now() })).toBe(true)
    expect(isScheduledRun({})).toBe(false)
    expect(isScheduledRun(undefined)).toBe(false)
  })

  it('stops scheduled runs with NUXT_SCHEDULER=off, never runs an admin asked for', () => {
    expect(schedulerAllows(true, 'off')).toBe(false)
    expect(schedulerAllows(true, ' OFF ')).toBe(false)
    expect(schedulerAllows(true, 'on')).toBe(true)
    expect(schedulerAllows(false, 'off')).toBe(true)
  })

  it('ticks mail:flush and the waiting-list offers every minute, reminders every 15 minutes, reports and the outbox retention hourly', () => {
    expect(scheduledTasks()).toEqual({ '* * * * *': ['mail:flush', 'waitlist:offers'], '*/15 * * * *': ['reminders:daily'], '0 * * * *': ['reports:monthly'], '20 * * * *': ['outbox:prune'] })
  })
})

describe('recordTaskRun', () => {
  it('records the result, or the error (and rethrows it), and lists the last run per task', async () => {
    const value = await recordTaskRun(db, 'reports:monthly', async () => ({ reports: 3 }), clockAt('2031-01-05T10:00:00.000Z'))
    expect(value).toEqual({ reports: 3 })
    await expect(recordTaskRun(db, 'reminders:daily', async () => {
      throw new Error('SMTP is on fire')
    }, clockAt('2031-01-05T11:00:00.000Z'))).rejects.toThrow('SMTP is on fire')

    const tasks = await listTasks(db, SCHEDULE)
    const byName = Object.fromEntries(tasks.map(t => [t.name, t]))
    expect(byName['reports:monthly']!.lastRun).toEqual({ startedAt: '2031-01-05T10:00:00.000Z', finishedAt: '2031-01-05T10:00:00.000Z', result: { reports: 3 }, error: null })
    expect(byName['reminders:daily']!.lastRun).toMatchObject({ error: 'SMTP is on fire', result: null })
    expect(byName['reminders:daily']!.schedule).toBe('Every day at 18:00 (Asia/Kolkata)')
    expect(byName['db:seed']!).toMatchObject({ cron: null, schedule: 'On demand' })
  })
})

describe('reminderDue and reportDue', () => {
  it('lets reminders act once a day, after the configured time in the schedule\'s timezone', async () => {
    const before = new Date('2032-02-10T12:15:00.000Z') // 17:45 in Kolkata
    const after = new Date('2032-02-10T12:45:00.000Z') // 18:15
    expect(await reminderDue(db, before, SCHEDULE)).toBe(false)
    expect(await reminderDue(db, after, SCHEDULE)).toBe(true)
    await recordTaskRun(db, 'reminders:daily', async () => ({}), () => after)
    expect(await reminderDue(db, new Date('2032-02-10T16:00:00.000Z'), SCHEDULE)).toBe(false)
    // the next evening
    expect(await reminderDue(db, new Date('2032-02-11T12:45:00.000Z'), SCHEDULE)).toBe(true)
  })

  it('retries reminders after a failed run the same evening', async () => {
    const at = new Date('2032-03-10T13:00:00.000Z')
    await recordTaskRun(db, 'reminders:daily', async () => {
      throw new Error('database went away')
    }, () => at).catch(() => {})
    expect(await reminderDue(db, new Date('2032-03-10T13:15:00.000Z'), SCHEDULE)).toBe(true)
  })

  it('lets reports act on the 1st only, once', async () => {
    expect(await reportDue(db, new Date('2032-04-30T12:00:00.000Z'), SCHEDULE)).toBe(false) // 30 April
    const first = new Date('2032-04-30T19:00:00.000Z') // 00:30 on 1 May in Kolkata
    expect(await reportDue(db, first, SCHEDULE)).toBe(true)
    await recordTaskRun(db, 'reports:monthly', async () => ({}), () => first)
    expect(await reportDue(db, new Date('2032-05-01T05:00:00.000Z'), SCHEDULE)).toBe(false)
  })
})

describe('unsubscribe tokens', () => {
  const secret = 'unsubscribe-test-secret-unsubscribe-test'

  it('name the user they were signed for, and nothing once altered or signed with another key', () => {
    const token = unsubscribeToken(secret, 42)
    expect(verifyUnsubscribeToken(secret, token)).toBe(42)
    expect(verifyUnsubscribeToken(secret, token.replace(/^42\./, '43.'))).toBeNull()
    const sig = token.split('.')[1]!
    expect(verifyUnsubscribeToken(secret, `42.${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`)).toBeNull()
    expect(verifyUnsubscribeToken('another-secret-another-secret-another', token)).toBeNull()
    expect(verifyUnsubscribeToken(secret, '')).toBeNull()
    expect(verifyUnsubscribeToken(secret, 'garbage')).toBeNull()
  })

  it('go in a List-Unsubscribe header for one-click and in the footer link', () => {
    const links = unsubscribeLinks(secret, 'https://t.example/', 7)
    expect(links.pageUrl).toBe(`https://t.example/unsubscribe?token=${unsubscribeToken(secret, 7)}`)
    expect(links.headers).toEqual({
      'List-Unsubscribe': `<https://t.example/api/unsubscribe?token=${unsubscribeToken(secret, 7)}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    })
  })

  it('switch the user\'s reminder emails off, idempotently, and show the address masked', async () => {
    const user = await createUser(db, { username: 'leaver', email: 'leaver@example.test', password: 'correct-horse-battery' })
    expect(await unsubscribeState(db, user.id)).toEqual({ email: 'l•••@example.test', emailOptIn: true })
    expect(await unsubscribe(db, user.id)).toEqual({ email: 'l•••@example.test', emailOptIn: false })
    expect(await unsubscribe(db, user.id)).toEqual({ email: 'l•••@example.test', emailOptIn: false })
    expect((await rejection(unsubscribeState(db, 999_999))).statusCode).toBe(400)
    expect(maskEmail('x@y.z')).toBe('x•••@y.z')
  })
})
