// Sends the outbox's due emails to NUXT_SMTP_URL, retrying failures with backoff; with no
// SMTP server configured it keeps them as captured, readable at /admin/outbox. Scheduled
// every minute; run it now as an admin with POST /api/admin/tasks/mail:flush.
export default defineTask({
  meta: { name: 'mail:flush', description: 'Send due outbox emails (or capture them when no SMTP server is configured)' },
  async run() {
    return { result: await runMailFlush() }
  },
})
