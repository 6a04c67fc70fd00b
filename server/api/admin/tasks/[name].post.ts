import { z } from 'zod'

const ParamsSchema = z.object({ name: z.string().max(80) })

/**
 * Runs a Nitro task now, for admins (the task records the run in task_runs); runTask
 * itself answers 404 for an unknown task. A run on demand always acts, whatever the
 * schedule or NUXT_SCHEDULER say.
 */
export default defineEventHandler(async (event) => {
  const { name } = getValidParams(event, ParamsSchema)
  await requireAdmin(event)
  const { result } = await runTask(name, { payload: {} })
  return { result }
})
