// Sends the outbox's due emails to NUXT_SMTP_URL, retrying failures with backoff; with no
// SMTP server configured it keeps them as captured, readable at /admin/outbox. Scheduled
// every minute (recorded in task_runs, skipped where NUXT_SCHEDULER=off); run it now as an
// admin with POST /api/admin/tasks/mail:flush.
export default defineRecordedTask({
  name: 'mail:flush',
  description: 'Send due outbox emails (or capture them when no SMTP server is configured)',
  run: () => runMailFlush(),
})
