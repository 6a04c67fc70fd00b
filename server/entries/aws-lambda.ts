// The AWS Lambda entry: Nitro's own handler for HTTP events (API Gateway v1 and v2,
// function URLs), plus TicketShow's scheduled ticks from Amazon EventBridge, which a plain
// Nitro build would take for a request with no path. Wired by modules/platforms.ts.
//
// Two ways to schedule (README, "AWS Lambda"):
//   - one rule `rate(1 minute)` with the default event ({"source": "aws.events",
//     "detail-type": "Scheduled Event", "time": …}): every task whose cron expression
//     matches that minute ticks, as node-server's own cron runner would do;
//   - a schedule per task whose input is {"task": "mail:flush"}.
// Either way a tick acts only when its moment has come, and is recorded in task_runs.
import { Cron } from 'croner'
import { handler as httpHandler } from 'nitropack/presets/aws-lambda/runtime/aws-lambda'
import { runTask } from 'nitropack/runtime'
import { TASKS } from '../domain/tasks'

interface ScheduledEvent {
  'source'?: string
  'detail-type'?: string
  'time'?: string
  'task'?: string
}

type Event = Parameters<typeof httpHandler>[0]
type Context = Parameters<typeof httpHandler>[1]

function isSchedule(event: unknown): event is ScheduledEvent {
  const e = event as ScheduledEvent & { httpMethod?: unknown, requestContext?: unknown }
  if (!e || typeof e !== 'object' || e.httpMethod || e.requestContext) return false
  return typeof e.task === 'string' || (e.source === 'aws.events' && e['detail-type'] === 'Scheduled Event')
}

/** The tasks one scheduled event ticks: the one it names, or those due in its minute. */
export function tasksFor(event: ScheduledEvent): string[] {
  if (typeof event.task === 'string') {
    const task = TASKS.find(t => t.name === event.task && t.cron)
    if (!task) throw new Error(`[cron] ${event.task} is not a scheduled task (${TASKS.filter(t => t.cron).map(t => t.name).join(', ')})`)
    return [task.name]
  }
  const at = new Date(event.time ?? Date.now())
  at.setUTCSeconds(0, 0)
  return TASKS.filter(t => t.cron && new Cron(t.cron, { timezone: 'UTC' }).match(at)).map(t => t.name)
}

export async function handler(event: Event | ScheduledEvent, context: Context) {
  if (!isSchedule(event)) return httpHandler(event as Event, context)
  const results: Record<string, unknown> = {}
  for (const name of tasksFor(event)) {
    const { result } = await runTask(name, { payload: { scheduledTime: Date.now(), trigger: 'cron' } }) as { result: unknown }
    results[name] = result
  }
  console.info(`[cron] ${JSON.stringify(results)}`)
  return results
}
