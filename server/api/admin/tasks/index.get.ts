import { listTasks } from '~~/server/domain/tasks'

/** Every task with its schedule and last run, for the admin page. */
export default defineEventHandler(async (event) => {
  await requireAdmin(event)
  const config = useRuntimeConfig()
  const items = await listTasks(useDb(), { reminderTime: config.reminderTime, timezone: config.defaultTimezone })
  return { items, total: items.length, page: 1, pageSize: items.length, scheduler: String(config.scheduler).toLowerCase() === 'off' ? 'off' : 'on' }
})
