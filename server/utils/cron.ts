import type { H3Event } from 'h3'
import { z } from 'zod'
import { taskNamed } from '../domain/tasks'
import { NotFound } from '../domain/errors'

const ParamsSchema = z.object({ task: z.string().max(80) })

/**
 * The secret a platform's scheduler sends as `Authorization: Bearer …`: NUXT_CRON_SECRET,
 * or on Vercel its own CRON_SECRET (Vercel Cron sends that one). None configured: no call
 * is accepted.
 */
export function cronSecret(): string {
  return String(useRuntimeConfig().cronSecret || process.env.CRON_SECRET || '')
}

/** 401 unless the request carries the cron secret (compared in constant time). */
export function requireCronSecret(event: H3Event): void {
  const secret = cronSecret()
  if (!bearerIs(event, secret))
    throw httpError(401, secret ? 'Send the cron secret as Authorization: Bearer <NUXT_CRON_SECRET>' : 'No NUXT_CRON_SECRET is configured on this deployment')
}

/**
 * One scheduled tick of `name` from outside the process (a platform's scheduler), as the
 * node-server cron runner would give it: it acts only when its moment has come, and is
 * recorded in task_runs when it does.
 */
export async function runCronTick(name: string): Promise<{ task: string, result: unknown }> {
  const task = taskNamed(name)
  if (!task.cron) throw new NotFound(`${name} is not a scheduled task`)
  const { result } = await runTask(task.name, { payload: { scheduledTime: Date.now(), trigger: 'cron' } })
  return { task: task.name, result }
}

/** The handler of POST (and, for Vercel Cron, GET) /api/cron/{task}. */
export const cronHandler = defineEventHandler(async (event) => {
  requireCronSecret(event)
  const { task } = getValidParams(event, ParamsSchema)
  return runCronTick(task)
})
