// What an email is before it becomes an outbox row.

/** A file sent with an email; `cid` makes it an inline image the HTML can show as `cid:…`. */
export interface MailAttachment {
  filename: string
  contentType: string
  /** base64 */
  content: string
  cid?: string
}

/** An email as a task or a handler wants it sent; it becomes one outbox row. */
export interface OutgoingEmail {
  to: string
  subject: string
  html: string
  text: string
  /** what it is, for the admin outbox: 'registration', 'booking-confirmed', 'reminder', … */
  kind: string
  /** unique per email that must be sent once, e.g. `monthly:42:2026-10` */
  dedupeKey: string
  userId?: number | null
  headers?: Record<string, string>
  attachments?: MailAttachment[]
  /** Data to render the email from later (see emails.ts renderDeferred); html and text are then empty. */
  template?: unknown
}
