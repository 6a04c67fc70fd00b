import { createHash } from 'node:crypto'
import { sql } from 'kysely'
import type { Db } from '../../db'
import { isPostgres } from '../../db'
import type { OutboxRow, OutboxStatus } from '../../db/schema'
import { writeTransaction } from '../../db/write'
import { materialize } from './outbox'
import type { TemplateRenderer } from './outbox'

// Delivery of the outbox. A flush claims due rows (a lease, so two senders never hold the
// same row), sends each with no transaction open, and records the outcome row by row.
// A row is marked sent right after its send succeeds; a sender that dies between the two
// leaves the row 'sending' until its lease runs out, and the next flush sends it again
// with the same Message-ID, so a mail client shows it once. Its writes go through
// writeTransaction: on SQLite they join the bookings' group commits rather than each
// costing an fsync of its own.

/** Rows claimed at a time. */
const MAIL_BATCH_SIZE = 50
/** Batches one flush goes through before leaving the rest to the next run. */
const MAIL_MAX_BATCHES = 20
/**
 * How long a claimed row is reserved for its sender; past it, another flush may take it.
 * A minute: mail:flush ticks every minute, so an email claimed by an instance that died is
 * sent by another within two minutes. A sender hands back what it has not sent by half of
 * it (a batch of 50 takes a few seconds over one SMTP connection).
 */
export const MAIL_LEASE_MS = 60_000
/** The first retry waits this long; each further one twice as long as the one before... */
export const MAIL_RETRY_BASE_MS = 60_000
/** ...but never longer than this. */
export const MAIL_RETRY_MAX_MS = 60 * 60_000
/** After this many failed attempts a row is 'failed' and left alone (about 4 h 15 min of retries). */
export const MAIL_MAX_ATTEMPTS = 10

/** Wait before the next attempt after `attempts` failed ones: 1, 2, 4, 8 … minutes, at most an hour. */
export function retryDelayMs(attempts: number): number {
  return Math.min(MAIL_RETRY_MAX_MS, MAIL_RETRY_BASE_MS * 2 ** Math.max(0, attempts - 1))
}

/** What sends one message: a nodemailer transport, or a stand-in in tests. */
export interface MailSender {
  sendMail: (message: {
    from: string
    to: string
    subject: string
    html: string
    text: string
    messageId: string
    headers?: Record<string, string>
    attachments?: Array<{ filename: string, contentType: string, content: Buffer, cid?: string }>
  }) => Promise<unknown>
}

export interface FlushResult {
  sent: number
  /** rows that failed for the last time in this run */
  failed: number
  /** rows kept as captured because no SMTP server is configured */
  captured: number
  /** rows that failed and will be tried again later */
  retrying: number
}

/** Rows a flush may take: pending and due, or left 'sending' by a sender whose lease ran out. */
function dueCondition(nowIso: string) {
  return sql<boolean>`((status = 'pending' AND next_attempt_at <= ${nowIso}) OR (status = 'sending' AND locked_until <= ${nowIso}))`
}

/**
 * Claims up to `limit` due rows for this sender: each becomes 'sending' with a lease until
 * now + leaseMs, its attempts counted, and is returned. Atomic on both dialects: on
 * PostgreSQL the rows are picked FOR UPDATE SKIP LOCKED, so concurrent flushes (on any
 * number of instances) take disjoint rows; SQLite has a single writer.
 */
export async function claimDueEmails(db: Db, opts: { limit: number, leaseMs: number, now: Date }): Promise<OutboxRow[]> {
  const nowIso = opts.now.toISOString()
  const lease = new Date(opts.now.getTime() + opts.leaseMs).toISOString()
  const claim = (trx: Db) => {
    let due = trx.selectFrom('outbox').select('id').where(dueCondition(nowIso)).orderBy('id').limit(opts.limit)
    if (isPostgres(trx)) due = due.forUpdate().skipLocked()
    return trx.updateTable('outbox')
      .set(eb => ({ status: 'sending' as OutboxStatus, locked_until: lease, attempts: eb('attempts', '+', 1) }))
      .where('id', 'in', due)
      .returningAll()
      .execute()
  }
  const rows = isPostgres(db) ? await claim(db) : await writeTransaction(db, claim)
  return rows.sort((a, b) => a.id - b.id)
}

/**
 * Without an SMTP server, due rows are kept as 'captured' (the embedded default), for
 * admins to read at /admin/outbox. Returns how many.
 */
async function captureDueEmails(db: Db, now = new Date()): Promise<number> {
  const nowIso = now.toISOString()
  const res = await writeTransaction(db, trx => trx.updateTable('outbox').set({ status: 'captured', locked_until: null })
    .where(dueCondition(nowIso)).executeTakeFirst())
  return Number(res.numUpdatedRows)
}

/** A Message-ID that is the same on every attempt, so a resent email is recognised as the same one. */
export function messageIdFor(dedupeKey: string, from: string): string {
  const domain = /@([^\s>]+)/.exec(from)?.[1] ?? 'ticketshow.invalid'
  return `<${createHash('sha256').update(dedupeKey).digest('hex').slice(0, 32)}@${domain}>`
}

async function toMessage(row: OutboxRow, from: string, render?: TemplateRenderer): Promise<Parameters<MailSender['sendMail']>[0]> {
  const { html, text, headers, attachments } = await materialize(row, render)
  return {
    from,
    to: row.to,
    subject: row.subject,
    html,
    text,
    messageId: messageIdFor(row.dedupe_key, from),
    headers: Object.keys(headers).length ? headers : undefined,
    attachments: attachments.map(a => ({ filename: a.filename, contentType: a.contentType, content: Buffer.from(a.content, 'base64'), ...(a.cid && { cid: a.cid }) })),
  }
}

function errorText(err: unknown): string {
  const e = err as { message?: string, responseCode?: number, code?: string }
  return [e.code, e.responseCode, e.message ?? String(err)].filter(Boolean).join(' ').slice(0, 1000)
}

/**
 * Sends what is due. With `sender` null (no SMTP configured) due rows are captured
 * instead. Each row is marked sent right after its own send; a failure is recorded with
 * its error and retried after retryDelayMs, until MAIL_MAX_ATTEMPTS, then 'failed'. No
 * transaction is open while a message is on the wire. Rows whose lease is close to
 * running out are handed back unsent rather than risk a second sender taking them too.
 */
export async function flushOutbox(db: Db, opts: { sender: MailSender | null, from: string, render?: TemplateRenderer, now?: () => Date, batchSize?: number, leaseMs?: number }): Promise<FlushResult> {
  const clock = opts.now ?? (() => new Date())
  const result: FlushResult = { sent: 0, failed: 0, captured: 0, retrying: 0 }
  if (!opts.sender) {
    result.captured = await captureDueEmails(db, clock())
    return result
  }
  const batchSize = opts.batchSize ?? MAIL_BATCH_SIZE
  const leaseMs = opts.leaseMs ?? MAIL_LEASE_MS
  for (let batch = 0; batch < MAIL_MAX_BATCHES; batch++) {
    const claimedAt = clock()
    const rows = await claimDueEmails(db, { limit: batchSize, leaseMs, now: claimedAt })
    for (const [i, row] of rows.entries()) {
      if (clock().getTime() - claimedAt.getTime() > leaseMs / 2) {
        await releaseEmails(db, rows.slice(i).map(r => r.id))
        return result
      }
      if (row.attempts > MAIL_MAX_ATTEMPTS) {
        // Claimed again and again by senders that never came back: give up on it.
        await recordFailure(db, row, 'The sender stopped while sending this email too many times', clock(), true)
        result.failed++
        continue
      }
      try {
        await opts.sender.sendMail(await toMessage(row, opts.from, opts.render))
      }
      catch (err) {
        const last = row.attempts >= MAIL_MAX_ATTEMPTS
        await recordFailure(db, row, errorText(err), clock(), last)
        if (last) result.failed++
        else result.retrying++
        continue
      }
      await writeTransaction(db, trx => trx.updateTable('outbox').set({ status: 'sent', sent_at: clock().toISOString(), locked_until: null, last_error: null })
        .where('id', '=', row.id).where('status', '=', 'sending').execute())
      result.sent++
    }
    if (rows.length < batchSize) break
  }
  return result
}

async function recordFailure(db: Db, row: OutboxRow, error: string, now: Date, last: boolean): Promise<void> {
  await writeTransaction(db, trx => trx.updateTable('outbox').set({
    status: last ? 'failed' : 'pending',
    last_error: error,
    locked_until: null,
    next_attempt_at: new Date(now.getTime() + retryDelayMs(row.attempts)).toISOString(),
  }).where('id', '=', row.id).where('status', '=', 'sending').execute())
}

/** Hands claimed rows back unsent (their attempt not counted), due at once. */
async function releaseEmails(db: Db, ids: number[]): Promise<void> {
  if (!ids.length) return
  await writeTransaction(db, trx => trx.updateTable('outbox').set(eb => ({ status: 'pending' as OutboxStatus, locked_until: null, attempts: eb('attempts', '-', 1) }))
    .where('id', 'in', ids).where('status', '=', 'sending').execute())
}
