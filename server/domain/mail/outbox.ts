import { sql } from 'kysely'
import type { Db } from '../../db'
import { prepared } from '../../db/prepared'
import type { OutboxRow, OutboxStatus } from '../../db/schema'
import type { OutboxDetail, OutboxItem } from '#shared/schemas/outbox'
import type { Page } from '#shared/types/api'
import { NotFound } from '../errors'
import { renderDeferred } from './emails'
import type { DeferredBookingEmail } from './emails'
import type { MailAttachment, OutgoingEmail } from './message'

// The outbox table: every email is first a row here, written in the transaction that
// causes it; delivery.ts sends them. Admins read it at /admin/outbox.

// Prepared: a booking writes its email in its own transaction, on the hot path.
const insertOutbox = prepared((db: Db, to: string, subject: string, html: string, text: string, kind: string, dedupeKey: string, nextAttemptAt: string, createdAt: string, userId: number | null, headers: string | null, attachments: string | null, template: string | null) =>
  db.insertInto('outbox')
    .values({ to, subject, html, text, kind, dedupe_key: dedupeKey, status: 'pending', next_attempt_at: nextAttemptAt, created_at: createdAt, user_id: userId, headers, attachments, template })
    .onConflict(oc => oc.column('dedupe_key').doNothing()))

/**
 * Puts an email in the outbox; a second email with the same dedupe key is dropped, so a
 * task run twice (or on two instances) sends once. True when this call added the row.
 * It is a database write, not I/O: give it the transaction that causes the email (a
 * booking, an approval) so the email commits or rolls back with it (transactional
 * outbox); the sending happens later, outside any transaction (delivery.ts).
 */
export async function enqueueEmail(db: Db, email: OutgoingEmail, now = new Date()): Promise<boolean> {
  const at = now.toISOString()
  const res = await insertOutbox(db, email.to, email.subject.slice(0, 300), email.html, email.text, email.kind, email.dedupeKey, at, at, email.userId ?? null,
    email.headers && Object.keys(email.headers).length ? JSON.stringify(email.headers) : null,
    email.attachments?.length ? JSON.stringify(email.attachments) : null,
    email.template === undefined ? null : JSON.stringify(email.template))
  return Number(res.numAffectedRows ?? 0) > 0
}

/**
 * Renders the template data of an email that another context writes (a monthly report:
 * reporting's renderReport), given to the calls that read emails in full. The booking
 * emails' templates are this context's own.
 */
export type TemplateRenderer = (template: { name: string }, to: string) => Promise<Pick<OutgoingEmail, 'html' | 'text' | 'attachments'>>

const BOOKING_TEMPLATES = new Set(['booking-confirmed', 'booking-changed', 'booking-moved', 'booking-cancelled'])

/** An outbox row's email in full: as written, or rendered now from its template data. */
export async function materialize(row: Pick<OutboxRow, 'to' | 'html' | 'text' | 'headers' | 'attachments' | 'template'>, render?: TemplateRenderer): Promise<{ html: string, text: string, headers: Record<string, string>, attachments: MailAttachment[] }> {
  const headers = row.headers ? (JSON.parse(row.headers) as Record<string, string>) : {}
  if (row.template) {
    const template = JSON.parse(row.template) as { name: string }
    let email: Pick<OutgoingEmail, 'html' | 'text' | 'attachments' | 'headers'>
    if (BOOKING_TEMPLATES.has(template.name)) email = renderDeferred(template as DeferredBookingEmail, row.to)
    else if (render) email = await render(template, row.to)
    else throw new Error(`No renderer for the email template "${template.name}"`)
    return { html: email.html, text: email.text, headers: { ...headers, ...email.headers }, attachments: email.attachments ?? [] }
  }
  return {
    html: row.html,
    text: row.text,
    headers,
    attachments: row.attachments ? (JSON.parse(row.attachments) as MailAttachment[]) : [],
  }
}

function toItem(r: Pick<OutboxRow, 'id' | 'to' | 'subject' | 'kind' | 'status' | 'attempts' | 'next_attempt_at' | 'sent_at' | 'last_error' | 'created_at'>): OutboxItem {
  return {
    id: r.id,
    to: r.to,
    subject: r.subject,
    kind: r.kind,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    sentAt: r.sent_at,
    lastError: r.last_error,
    createdAt: r.created_at,
  }
}

/** The outbox for admins, newest first, by status and a search in recipient and subject. */
export async function listOutbox(db: Db, opts: { status?: OutboxStatus, q?: string, page: number, pageSize: number }): Promise<Page<OutboxItem>> {
  let q = db.selectFrom('outbox')
  if (opts.status) q = q.where('status', '=', opts.status)
  if (opts.q) {
    const pattern = `%${opts.q.toLowerCase().replace(/[\\%_]/g, c => `\\${c}`)}%`
    q = q.where(eb => eb.or([
      eb(sql<string>`lower("to")`, 'like', sql<string>`${pattern} escape '\\'`),
      eb(sql<string>`lower(subject)`, 'like', sql<string>`${pattern} escape '\\'`),
    ]))
  }
  const [rows, count] = await Promise.all([
    q.select(['id', 'to', 'subject', 'kind', 'status', 'attempts', 'next_attempt_at', 'sent_at', 'last_error', 'created_at'])
      .orderBy('id', 'desc').limit(opts.pageSize).offset((opts.page - 1) * opts.pageSize).execute(),
    q.select(eb => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ])
  return { items: rows.map(toItem), total: Number(count.n), page: opts.page, pageSize: opts.pageSize }
}

/** One outbox row in full (attachments described, not their content); NotFound when unknown. */
export async function getOutboxEmail(db: Db, id: number, render?: TemplateRenderer): Promise<OutboxDetail> {
  const r = await db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst()
  if (!r) throw new NotFound('No such email')
  const { html, text, headers, attachments } = await materialize(r, render)
  return {
    ...toItem(r),
    dedupeKey: r.dedupe_key,
    html,
    text,
    headers,
    attachments: attachments.map(a => ({ filename: a.filename, contentType: a.contentType, size: Buffer.byteLength(a.content, 'base64'), cid: a.cid ?? null })),
  }
}
