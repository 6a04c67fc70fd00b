import type { TaskEvent } from 'nitropack/types'
import type { Db } from '../db'
import { isScheduledRun, recordTaskRun, schedulerAllows } from '../domain/tasks'

export interface RecordedTaskContext {
  db: Db
  /** when the run started; tasks compute "today" and "last month" from it */
  now: Date
  /** started by the cron runner rather than by an admin */
  scheduled: boolean
  payload: Record<string, unknown>
}

interface RecordedTask {
  name: string
  description: string
  /** For scheduled ticks only: whether the moment to act has come (runs on demand always act). */
  due?: (db: Db, now: Date) => Promise<boolean>
  run: (ctx: RecordedTaskContext) => Promise<unknown>
}

/**
 * A Nitro task whose every run is recorded in task_runs (name, start, finish, result or
 * error). Scheduled ticks do nothing on an instance with NUXT_SCHEDULER=off, or before
 * their moment has come; neither is recorded. Answers `{ result }` as runTask expects.
 */
export function defineRecordedTask(def: RecordedTask) {
  return defineTask({
    meta: { name: def.name, description: def.description },
    async run(event: TaskEvent) {
      const payload = (event.payload ?? {}) as Record<string, unknown>
      const scheduled = isScheduledRun(payload)
      // A platform's tick (POST /api/cron/{task}) was asked for explicitly: NUXT_SCHEDULER
      // governs this instance's own cron runner only.
      const ownRunner = scheduled && payload.trigger !== 'cron'
      if (!schedulerAllows(ownRunner, String(useRuntimeConfig().scheduler ?? 'on')))
        return { result: { skipped: 'scheduler is off on this instance (NUXT_SCHEDULER=off)' } }
      const state = useDbState()
      if (scheduled && !state.ready) return { result: { skipped: 'the server is still starting' } }
      if (scheduled && def.due && !(await def.due(state.db, new Date())))
        return { result: { skipped: 'not due yet' } }
      const result = await recordTaskRun(state.db, def.name, () => def.run({ db: state.db, now: new Date(), scheduled, payload }))
      return { result }
    },
  })
}
