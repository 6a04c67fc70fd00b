// Scheduled tasks: which tasks there are and when they tick (schedule.ts, also read by
// nuxt.config.ts at build time), and the record of every run in task_runs.

export { TASKS, scheduledTasks, taskNamed } from './schedule'
export { isScheduledRun, schedulerAllows, recordTaskRun, listTasks, reminderDue, reportDue } from './runs'
