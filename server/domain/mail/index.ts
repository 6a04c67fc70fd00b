// Mail: the outbox (every email is first a row, written in the transaction that causes it),
// its delivery with retries, the transactional emails, rendering, unsubscribe links, and
// the daily reminders and nudges.

export type { MailAttachment, OutgoingEmail } from './message'
export { enqueueEmail, materialize, listOutbox, getOutboxEmail } from './outbox'
export type { TemplateRenderer } from './outbox'
export { MAIL_LEASE_MS, MAIL_RETRY_BASE_MS, MAIL_RETRY_MAX_MS, MAIL_MAX_ATTEMPTS, retryDelayMs, claimDueEmails, messageIdFor, flushOutbox } from './delivery'
export type { MailSender, FlushResult } from './delivery'
export type { MailContext, BookingMail } from './emails'
export { registrationEmail, approvedEmail, bookingCancelledEmail, deferredBookingEmail } from './emails'
export { buildBookingIcs } from './ics'
export { escapeHtml, renderEmail } from './render'
export type { EmailContent } from './render'
export { unsubscribeToken, verifyUnsubscribeToken, unsubscribeLinks, stoppableEmail } from './unsubscribe-links'
export { sendDailyEmails } from './reminders'
export { pruneOutbox } from './retention'
export type { OfferMail } from './offers'
export { offerLink, waitlistOfferEmail } from './offers'
