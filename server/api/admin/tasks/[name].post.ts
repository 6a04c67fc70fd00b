import { z } from 'zod'

const ParamsSchema = z.object({ name: z.string().max(80) })

/** Runs a Nitro task now, for admins; runTask itself answers 404 for an unknown task. */
export default defineEventHandler(async (event) => {
  const { name } = getValidParams(event, ParamsSchema)
  await requireAdmin(event)
  const { result } = await runTask(name, { payload: {} })
  return { result }
})
