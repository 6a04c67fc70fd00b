import { adminStats } from '../../domain/stats'

export default defineEventHandler(async (event) => {
  await requireAdmin(event)
  return adminStats(useDb(), { timeZone: useRuntimeConfig().defaultTimezone })
})
