import { sendDailyEmails } from '~~/server/domain/mail'
import { reminderDue } from '~~/server/domain/tasks'

// Tomorrow's show reminders and inactivity nudges (server/domain/mail/reminders.ts). The
// scheduler ticks it every 15 minutes and it acts once a day, after NUXT_REMINDER_TIME in
// NUXT_DEFAULT_TIMEZONE; an admin can run it at any time: POST /api/admin/tasks/reminders:daily.
export default defineRecordedTask({
  name: 'reminders:daily',
  description: 'Remind people of tomorrow\'s shows, and nudge people who have not visited for a day',
  due: (db, now) => reminderDue(db, now, { reminderTime: useRuntimeConfig().reminderTime, timezone: useRuntimeConfig().defaultTimezone }),
  run: ({ db, now }) => {
    const config = useRuntimeConfig()
    return sendDailyEmails(db, { now, timezone: config.defaultTimezone, siteUrl: config.public.siteUrl, secret: useAuthSecret() })
  },
})
