// nuxt.config.ts reads this file at build time to make nitro.scheduledTasks: it imports
// nothing but the domain errors.

import { NotFound } from '../errors'

export interface TaskDefinition {
  name: string
  description: string
  cron: string | null
  schedule: (opts: { reminderTime: string, timezone: string }) => string
}

/**
 * Every task and when the scheduler ticks it (nuxt.config.ts builds `nitro.scheduledTasks`
 * from this list). A tick is not a run: reminders:daily and reports:monthly tick often and
 * act once their moment has come (see reminderDue, reportDue), so the time of day stays
 * runtime configuration while cron expressions are fixed at build time.
 */
export const TASKS: TaskDefinition[] = [
  { name: 'mail:flush', description: 'Send due emails from the outbox, retrying failures with backoff', cron: '* * * * *', schedule: () => 'Every minute' },
  {
    name: 'reminders:daily',
    description: 'Remind people of tomorrow\'s shows, and nudge people who have not visited for a day',
    cron: '*/15 * * * *',
    schedule: ({ reminderTime, timezone }) => `Every day at ${reminderTime} (${timezone})`,
  },
  {
    name: 'reports:monthly',
    description: 'Email each active person their report for last month, with a chart and their CSV',
    cron: '0 * * * *',
    schedule: ({ timezone }) => `On the 1st of every month (${timezone})`,
  },
  {
    name: 'outbox:prune',
    description: 'Drop the bodies of emails sent or given up on more than NUXT_OUTBOX_RETENTION_DAYS ago (their record stays)',
    cron: '20 * * * *',
    schedule: () => 'Every hour',
  },
  {
    name: 'waitlist:offers',
    description: 'Offer seats freed by time (expired holds and offers) to the waiting lists; close the lists of started screenings',
    cron: '* * * * *',
    schedule: () => 'Every minute',
  },
  { name: 'db:seed', description: 'Fill an empty database with a demo catalogue', cron: null, schedule: () => 'On demand' },
]

/** The `nitro.scheduledTasks` map: cron expression -> task names. */
export function scheduledTasks(): Record<string, string[]> {
  const map: Record<string, string[]> = {}
  for (const task of TASKS) {
    if (task.cron) (map[task.cron] ??= []).push(task.name)
  }
  return map
}

/** The task of that name; NotFound for any other name (including `__proto__` and its kin). */
export function taskNamed(name: string): TaskDefinition {
  const task = TASKS.find(t => t.name === name)
  if (!task) throw new NotFound(`No such task: ${name}`)
  return task
}
