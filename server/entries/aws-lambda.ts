// The AWS Lambda entry (modules/platforms.ts puts it in place of Nitro's own): HTTP events
// (API Gateway REST and HTTP APIs, function URLs) as Nitro's handler takes them, with three
// differences, plus TicketShow's scheduled ticks from Amazon EventBridge:
//   - a base64 body (an upload) reaches the app as the bytes it is, not as UTF-8 text;
//   - each request is marked as the platform's (utils/client.ts): the rate limits apply to
//     it, per the client address API Gateway saw (requestContext sourceIp);
//   - a scheduled event runs ticks instead of being taken for a request with no path;
//   - an email a request queued (a confirmation) is sent before the invocation returns:
//     Lambda freezes the process then, so a flush left on a timer would run at some later
//     thaw or not at all (utils/mail.ts, flushMailInline).
// Two ways to schedule (README, "AWS Lambda"): one rule `rate(1 minute)` with the default
// event ({"source": "aws.events", "detail-type": "Scheduled Event", "time": …}) ticks every
// task whose cron expression matches that minute, as node-server's cron runner does; or a
// schedule per task whose input is {"task": "mail:flush"}. Either way a tick acts only when
// its moment has come, and is recorded in task_runs.
import { Cron } from 'croner'
import { useNitroApp, runTask } from 'nitropack/runtime'
import { normalizeCookieHeader } from 'nitropack/runtime/internal/utils'
import { normalizeLambdaIncomingHeaders, normalizeLambdaOutgoingBody, normalizeLambdaOutgoingHeaders } from 'nitropack/runtime/internal/utils.lambda'
import { withQuery } from 'ufo'
import { TASKS } from '../domain/tasks'
import type { PlatformRequest } from '../utils/client'
import { flushMailInline, runRequestedMailFlush } from '../utils/mail'

interface HttpEvent {
  httpMethod?: string
  path?: string
  rawPath?: string
  headers?: Record<string, string | undefined>
  queryStringParameters?: Record<string, string | undefined> | null
  multiValueQueryStringParameters?: Record<string, string[] | undefined> | null
  cookies?: string[]
  body?: string | null
  isBase64Encoded?: boolean
  requestContext?: { http?: { method?: string, sourceIp?: string }, identity?: { sourceIp?: string } }
}

interface ScheduledEvent {
  'source'?: string
  'detail-type'?: string
  'time'?: string
  'task'?: string
}

const nitroApp = useNitroApp()
flushMailInline()

function isSchedule(event: unknown): event is ScheduledEvent {
  const e = event as ScheduledEvent & HttpEvent
  if (!e || typeof e !== 'object' || e.httpMethod || e.requestContext) return false
  return typeof e.task === 'string' || (e.source === 'aws.events' && e['detail-type'] === 'Scheduled Event')
}

/** The tasks one scheduled event ticks: the one it names, or those due in its minute (UTC). */
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

async function tick(event: ScheduledEvent) {
  const results: Record<string, unknown> = {}
  for (const name of tasksFor(event)) {
    const { result } = await runTask(name, { payload: { scheduledTime: Date.now(), trigger: 'cron' } }) as { result: unknown }
    results[name] = result
  }
  console.info(`[cron] ${JSON.stringify(results)}`)
  return results
}

export async function handler(event: HttpEvent | ScheduledEvent, context: unknown) {
  if (isSchedule(event)) return tick(event)
  const http = event as HttpEvent
  const query = { ...http.queryStringParameters, ...http.multiValueQueryStringParameters }
  const url = withQuery(http.path || http.rawPath || '/', query)
  const method = http.httpMethod || http.requestContext?.http?.method || 'GET'
  const headers = { ...http.headers }
  if (http.cookies?.length) headers.cookie = http.cookies.join(';')
  const platform: PlatformRequest & { lambda: unknown } = {
    platformRequest: true,
    clientIp: http.requestContext?.http?.sourceIp ?? http.requestContext?.identity?.sourceIp,
    lambda: { event, context },
  }
  const r = await nitroApp.localCall({
    url,
    context: platform,
    headers: normalizeLambdaIncomingHeaders(headers as Record<string, string>),
    method,
    query,
    body: http.isBase64Encoded ? Buffer.from(http.body || '', 'base64') : http.body,
  } as Parameters<typeof nitroApp.localCall>[0])
  await runRequestedMailFlush()
  const isApiGwV2 = 'cookies' in http || 'rawPath' in http
  const awsBody = await normalizeLambdaOutgoingBody(r.body as BodyInit, r.headers)
  const cookies = normalizeCookieHeader(r.headers['set-cookie'])
  return {
    ...(cookies.length > 0 && (isApiGwV2 ? { cookies } : { multiValueHeaders: { 'set-cookie': cookies } })),
    statusCode: r.status,
    headers: normalizeLambdaOutgoingHeaders(r.headers, true),
    body: awsBody.body,
    isBase64Encoded: awsBody.type === 'binary',
  }
}
