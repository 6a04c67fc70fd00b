import { pruneOutbox } from '~~/server/domain/mail'

// Bounded growth: emails sent, captured or given up on lose their bodies after
// NUXT_OUTBOX_RETENTION_DAYS (default 30), their record kept (server/domain/mail/retention.ts).
// Hourly, in batches; an admin can run it now: POST /api/admin/tasks/outbox:prune.
export default defineRecordedTask({
  name: 'outbox:prune',
  description: 'Drop the bodies of emails sent or given up on more than NUXT_OUTBOX_RETENTION_DAYS ago (their record stays)',
  run: ({ db, now }) => pruneOutbox(db, { now, retentionDays: Number(useRuntimeConfig().outboxRetentionDays) || 30 }),
})
