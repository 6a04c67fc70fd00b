import { createHmac, timingSafeEqual } from 'node:crypto'
import type { MailAttachment, OutgoingEmail } from './message'
import { renderEmail } from './render'
import type { EmailContent } from './render'

// An unsubscribe link must work without logging in, from any mail client, for as long as
// old emails are kept: the token is the user id and a purpose, signed with HMAC-SHA256
// under the auth secret. No expiry; rotating the secret invalidates every link.

const PURPOSE = 'unsubscribe:email'

function mac(secret: string, userId: number): string {
  return createHmac('sha256', secret).update(`${PURPOSE}:${userId}`).digest('base64url').slice(0, 32)
}

/** The token of a user's unsubscribe link: `<userId>.<signature>`. */
export function unsubscribeToken(secret: string, userId: number): string {
  return `${userId}.${mac(secret, userId)}`
}

/** The user id a token was signed for; null for anything not signed by us for this purpose. */
export function verifyUnsubscribeToken(secret: string, token: string): number | null {
  const match = /^([1-9]\d{0,15})\.([\w-]{32})$/.exec(token)
  if (!match) return null
  const userId = Number(match[1])
  if (!Number.isSafeInteger(userId)) return null
  const expected = Buffer.from(mac(secret, userId))
  const given = Buffer.from(match[2]!)
  return expected.length === given.length && timingSafeEqual(expected, given) ? userId : null
}

/** The links an email that people can stop carries: the page (footer) and the one-click API (header). */
export function unsubscribeLinks(secret: string, siteUrl: string, userId: number): { pageUrl: string, headers: Record<string, string> } {
  const site = siteUrl.replace(/\/+$/, '')
  const token = encodeURIComponent(unsubscribeToken(secret, userId))
  return {
    pageUrl: `${site}/unsubscribe?token=${token}`,
    headers: {
      'List-Unsubscribe': `<${site}/api/unsubscribe?token=${token}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  }
}

/**
 * An email people can stop (reminders, nudges, reports): rendered with the unsubscribe
 * link in its footer and the one-click List-Unsubscribe headers.
 */
export function stoppableEmail(user: { id: number, email: string }, content: Omit<EmailContent, 'unsubscribeUrl'>, opts: { siteUrl: string, secret: string, kind: string, dedupeKey: string, attachments?: MailAttachment[] }): OutgoingEmail {
  const links = unsubscribeLinks(opts.secret, opts.siteUrl, user.id)
  const rendered = renderEmail({ ...content, unsubscribeUrl: links.pageUrl }, opts.siteUrl)
  return { to: user.email, ...rendered, kind: opts.kind, dedupeKey: opts.dedupeKey, userId: user.id, headers: links.headers, ...(opts.attachments && { attachments: opts.attachments }) }
}
