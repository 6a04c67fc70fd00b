import { z } from 'zod'
import { taskNamed } from '~~/server/domain/tasks'

const ParamsSchema = z.object({ name: z.string().max(80) })

/**
 * Runs a task now, for admins (the task records the run in task_runs); a name that is
 * not one of TicketShow's tasks is 404. A run on demand always acts, whatever the
 * schedule or NUXT_SCHEDULER say.
 */
export default defineEventHandler(async (event) => {
  await requireAdmin(event)
  const { name } = getValidParams(event, ParamsSchema)
  const { result } = await runTask(taskNamed(name).name, { payload: {} })
  return { result }
})
