import type { Db } from '../../db'
import { utcToZonedLocal, zonedLocalToUtc } from '#shared/time'
import { TASKS } from './schedule'

/** A task as the admin page lists it. */
export interface TaskInfo {
  name: string
  description: string
  /** the cron expression the scheduler ticks on, null when it only runs on demand */
  cron: string | null
  /** the schedule as people say it */
  schedule: string
  lastRun: TaskRunInfo | null
}

export interface TaskRunInfo {
  startedAt: string
  finishedAt: string | null
  result: unknown
  error: string | null
}

/** How a Nitro task was started: by the cron runner (which passes `scheduledTime`) or on demand. */
export function isScheduledRun(payload: Record<string, unknown> | undefined): boolean {
  return typeof payload?.scheduledTime === 'number'
}

/**
 * Whether a run may act. NUXT_SCHEDULER=off cannot stop Nitro's cron runner (it is started
 * unconditionally when the server listens), so the scheduled runs it starts return here
 * without doing anything; runs an admin asks for always act.
 */
export function schedulerAllows(scheduled: boolean, scheduler: string): boolean {
  return !scheduled || scheduler.trim().toLowerCase() !== 'off'
}

function toRunInfo(row: { started_at: string, finished_at: string | null, result: string | null, error: string | null }): TaskRunInfo {
  let result: unknown = null
  if (row.result !== null) {
    try {
      result = JSON.parse(row.result)
    }
    catch {
      result = row.result
    }
  }
  return { startedAt: row.started_at, finishedAt: row.finished_at, result, error: row.error }
}

const RUN_HISTORY_DAYS = 30
const DAY_MS = 24 * 3600 * 1000

/**
 * Runs `fn` and records the run in task_runs: started_at first (so a running task shows),
 * then finished_at with the JSON result or the error, which is rethrown. Runs older than
 * 30 days are forgotten, so mail:flush ticking every minute keeps the table small.
 */
export async function recordTaskRun<T>(db: Db, name: string, fn: () => Promise<T>, clock: () => Date = () => new Date()): Promise<T> {
  const startedAt = clock()
  const { id } = await db.insertInto('task_runs').values({ name, started_at: startedAt.toISOString(), finished_at: null, result: null, error: null })
    .returning('id').executeTakeFirstOrThrow()
  try {
    const result = await fn()
    await db.updateTable('task_runs').set({ finished_at: clock().toISOString(), result: JSON.stringify(result ?? null) }).where('id', '=', id).execute()
    return result
  }
  catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    await db.updateTable('task_runs').set({ finished_at: clock().toISOString(), error: message.slice(0, 2000) }).where('id', '=', id).execute()
    throw err
  }
  finally {
    await db.deleteFrom('task_runs').where('name', '=', name)
      .where('started_at', '<', new Date(startedAt.getTime() - RUN_HISTORY_DAYS * DAY_MS).toISOString()).execute()
      .catch(() => {})
  }
}

/** Every known task with its schedule and last run (newest first per task). */
export async function listTasks(db: Db, opts: { reminderTime: string, timezone: string }): Promise<TaskInfo[]> {
  const names = TASKS.map(t => t.name)
  // The newest run of each task: one indexed lookup per task (there are a handful).
  const last = await Promise.all(names.map(name => db.selectFrom('task_runs').select(['started_at', 'finished_at', 'result', 'error'])
    .where('name', '=', name).orderBy('started_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst()))
  return TASKS.map((task, i) => ({
    name: task.name,
    description: task.description,
    cron: task.cron,
    schedule: task.schedule(opts),
    lastRun: last[i] ? toRunInfo(last[i]!) : null,
  }))
}

/**
 * True when a run of the task started at or after `since` and has succeeded, or is still
 * running (started within the last hour): the scheduled work of that period is done or
 * being done, on this instance or another.
 */
async function ranSince(db: Db, name: string, since: string, now: Date): Promise<boolean> {
  const recent = new Date(now.getTime() - 3600_000).toISOString()
  const row = await db.selectFrom('task_runs').select('id')
    .where('name', '=', name).where('started_at', '>=', since)
    .where(eb => eb.or([
      eb.and([eb('finished_at', 'is not', null), eb('error', 'is', null)]),
      eb.and([eb('finished_at', 'is', null), eb('started_at', '>=', recent)]),
    ]))
    .limit(1).executeTakeFirst()
  return row !== undefined
}

/**
 * Whether a scheduled tick of reminders:daily should act: once the clocks in `timezone`
 * have passed `reminderTime` today, and no run has done today's work since then.
 */
export async function reminderDue(db: Db, now: Date, opts: { reminderTime: string, timezone: string }): Promise<boolean> {
  const { date } = utcToZonedLocal(now.toISOString(), opts.timezone)
  const since = zonedLocalToUtc(date, opts.reminderTime, opts.timezone)
  if (now.toISOString() < since) return false
  return !(await ranSince(db, 'reminders:daily', since, now))
}

/**
 * Whether a scheduled tick of reports:monthly should act: on the 1st of the month in
 * `timezone`, when no run has done this month's work yet.
 */
export async function reportDue(db: Db, now: Date, opts: { timezone: string }): Promise<boolean> {
  const { date } = utcToZonedLocal(now.toISOString(), opts.timezone)
  if (!date.endsWith('-01')) return false
  const since = zonedLocalToUtc(date, '00:00', opts.timezone)
  return !(await ranSince(db, 'reports:monthly', since, now))
}
