import { z } from '../zod'
import { PageQuerySchema } from './common'

export const OUTBOX_STATUSES = ['pending', 'sending', 'sent', 'failed', 'captured'] as const

/** GET /api/admin/outbox: newest first, by status and a search in recipient and subject. */
export const OutboxListQuerySchema = PageQuerySchema.extend({
  status: z.enum(OUTBOX_STATUSES).optional(),
  q: z.string().trim().max(200).optional(),
})

const instant = z.string().describe('ISO 8601 UTC instant')

export const OutboxItemResponse = z.object({
  id: z.number().int(),
  to: z.string(),
  subject: z.string(),
  kind: z.string().describe('registration, approved, booking-confirmed, booking-changed, booking-moved, booking-cancelled, reminder, report, …'),
  status: z.enum(OUTBOX_STATUSES),
  attempts: z.number().int(),
  nextAttemptAt: instant,
  sentAt: instant.nullable(),
  lastError: z.string().nullable(),
  createdAt: instant,
})

export const OutboxDetailResponse = OutboxItemResponse.extend({
  dedupeKey: z.string(),
  html: z.string(),
  text: z.string(),
  headers: z.record(z.string(), z.string()),
  attachments: z.array(z.object({ filename: z.string(), contentType: z.string(), size: z.number().int().describe('bytes'), cid: z.string().nullable() })),
})

export type OutboxItem = z.infer<typeof OutboxItemResponse>
export type OutboxDetail = z.infer<typeof OutboxDetailResponse>
