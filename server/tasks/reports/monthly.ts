import { sendMonthlyReports } from '~~/server/domain/reporting'
import { reportDue } from '~~/server/domain/tasks'

// Last month's report for every active person (server/domain/reporting/reports.ts). The scheduler
// ticks it hourly and it acts once, on the 1st of the month in NUXT_DEFAULT_TIMEZONE; an
// admin can run it at any time: POST /api/admin/tasks/reports:monthly.
export default defineRecordedTask({
  name: 'reports:monthly',
  description: 'Email each active person their report for last month, with a chart and their CSV',
  due: (db, now) => reportDue(db, now, { timezone: useRuntimeConfig().defaultTimezone }),
  run: ({ db, now }) => {
    const config = useRuntimeConfig()
    return sendMonthlyReports(db, { now, timezone: config.defaultTimezone, siteUrl: config.public.siteUrl, secret: useAuthSecret(), currency: config.public.currency })
  },
})
