import { adminStats } from '~~/server/domain/reporting'

export default defineEventHandler(async (event) => {
  await requireAdmin(event)
  return adminStats(useDb(), { timeZone: useRuntimeConfig().defaultTimezone })
})
