// Mail: the outbox (every email is first a row, written in the transaction that causes it),
// its delivery with retries, the transactional emails, rendering, unsubscribe links, and
// the daily reminders and nudges.

export type { MailAttachment, OutgoingEmail } from './message'
export { enqueueEmail, materialize, listOutbox, getOutboxEmail } from './outbox'
export {
  MAIL_BATCH_SIZE, MAIL_MAX_BATCHES, MAIL_LEASE_MS, MAIL_RETRY_BASE_MS, MAIL_RETRY_MAX_MS, MAIL_MAX_ATTEMPTS,
  retryDelayMs, claimDueEmails, captureDueEmails, messageIdFor, flushOutbox,
} from './delivery'
export type { MailSender, FlushResult } from './delivery'
export type { MailContext, MailUser, BookingMail, DeferredBookingEmail } from './emails'
export { registrationEmail, approvedEmail, bookingConfirmedEmail, bookingChangedEmail, bookingCancelledEmail, deferredBookingEmail, renderDeferred } from './emails'
export type { IcsBooking } from './ics'
export { buildBookingIcs } from './ics'
export type { EmailBlock, EmailContent, RenderedEmail } from './render'
export { escapeHtml, renderEmail } from './render'
export { unsubscribeToken, verifyUnsubscribeToken, unsubscribeLinks, stoppableEmail } from './unsubscribe-links'
export type { DailyOptions, DailyResult } from './reminders'
export { reminderEmail, nudgeEmail, sendDailyEmails } from './reminders'
