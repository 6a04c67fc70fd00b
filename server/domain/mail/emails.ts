import { formatMoney, venueDateTime } from '#shared/format'
import { STANDARD_CATEGORY } from '#shared/layout'
import { buildBookingIcs } from './ics'
import type { MailAttachment, OutgoingEmail } from './message'
import { renderEmail } from './render'
import type { EmailContent } from './render'

// The transactional emails: pure functions of data the caller already holds, so a booking
// transaction can put its email in the outbox without another query. They are sent to
// everyone, whatever their email_opt_in (that switch covers reminders and reports only).

/** What every email needs from configuration. */
export interface MailContext {
  /** NUXT_PUBLIC_SITE_URL: links in emails */
  siteUrl: string
  /** NUXT_PUBLIC_CURRENCY */
  currency: string
}

export interface MailUser {
  id: number
  username: string
  email: string
}

/** A booking as its emails show it; times are shown in the venue's timezone. */
export interface BookingMail {
  id: number
  reference: string
  status: 'confirmed' | 'cancelled'
  userId: number
  seats: string[]
  /** each seat's category and price (emails written before categories have none) */
  lines?: { seat: string, categoryName: string, price: number }[]
  quantity: number
  total: number
  startsAt: string
  durationMinutes: number
  showId: number
  showName: string
  venueName: string
  place: string
  timezone: string
}

const site = (ctx: MailContext) => ctx.siteUrl.replace(/\/+$/, '')

/** "Sat 29 Nov 2026, 18:30": booking emails name the year, as a ticket does. */
const when = (b: BookingMail) => venueDateTime(b.startsAt, b.timezone, true)

/** "C7, C8 (Prime, ₹350.00 each); A1 (Classic, ₹200.00)": seats by category, when they have one. */
function seatsText(b: BookingMail, ctx: MailContext): string {
  if (!b.lines?.length) return b.seats.join(', ') || '—'
  const groups = new Map<string, { name: string, price: number, seats: string[] }>()
  for (const l of b.lines) {
    const key = `${l.categoryName}\u0000${l.price}`
    const g = groups.get(key) ?? { name: l.categoryName, price: l.price, seats: [] }
    g.seats.push(l.seat)
    groups.set(key, g)
  }
  if (groups.size === 1) {
    const name = b.lines[0]!.categoryName
    return name === STANDARD_CATEGORY.name ? b.seats.join(', ') : `${b.seats.join(', ')} (${name})`
  }
  return [...groups.values()].map(g => `${g.seats.join(', ')} (${g.name}, ${formatMoney(g.price, ctx.currency)}${g.seats.length > 1 ? ' each' : ''})`).join('; ')
}

function bookingRows(b: BookingMail, ctx: MailContext): Array<[string, string]> {
  return [
    ['Show', b.showName],
    ['When', `${when(b)} (venue time)`],
    ['Venue', `${b.venueName}, ${b.place}`],
    ['Seats', seatsText(b, ctx)],
    ['Tickets', String(b.quantity)],
    ['Total', formatMoney(b.total, ctx.currency)],
    ['Reference', b.reference],
  ]
}

function icsAttachment(b: BookingMail, ctx: MailContext, now: Date, sequence = 0): MailAttachment {
  const ics = buildBookingIcs({
    id: b.id, reference: b.reference, status: b.status, seats: b.seats, startsAt: b.startsAt,
    durationMinutes: b.durationMinutes, showName: b.showName, venueName: b.venueName, place: b.place,
  }, ctx.siteUrl, now, sequence)
  return { filename: `ticketshow-${b.reference}.ics`, contentType: 'text/calendar; charset=utf-8; method=PUBLISH', content: Buffer.from(ics).toString('base64') }
}

/** An email about someone's account, one of each kind per account. */
function accountEmail(user: MailUser, kind: 'registration' | 'approved', content: EmailContent, ctx: MailContext): OutgoingEmail {
  return { ...renderEmail(content, ctx.siteUrl), to: user.email, kind, dedupeKey: `${kind}:${user.id}`, userId: user.id }
}

/** "Thanks for registering": the account waits for an admin. */
export function registrationEmail(user: MailUser, ctx: MailContext): OutgoingEmail {
  return accountEmail(user, 'registration', {
    subject: 'Welcome to TicketShow: your account is waiting for approval',
    preheader: 'An admin will look at your account soon; we will email you when it is approved.',
    heading: `Thanks for registering, ${user.username}`,
    blocks: [
      { type: 'paragraph', text: 'An admin needs to approve new accounts before they can book. We will email you as soon as yours is approved.' },
      { type: 'paragraph', text: 'Until then you can look around and see what is on.' },
      { type: 'button', label: 'See what is on', url: `${site(ctx)}/` },
    ],
  }, ctx)
}

/** "Your account is approved": they can log in and book. */
export function approvedEmail(user: MailUser, ctx: MailContext): OutgoingEmail {
  return accountEmail(user, 'approved', {
    subject: 'Your TicketShow account is approved',
    preheader: 'You can log in and book seats now.',
    heading: `You are in, ${user.username}`,
    blocks: [
      { type: 'paragraph', text: 'An admin has approved your account: you can log in and book seats now.' },
      { type: 'button', label: 'Log in', url: `${site(ctx)}/login` },
    ],
  }, ctx)
}

const confirmedSubject = (b: BookingMail) => `Booking confirmed: ${b.showName}, ${when(b)}`
const changedSubject = (b: BookingMail) => `Booking changed: ${b.showName}, ${when(b)}`
const movedSubject = (b: BookingMail) => `Booking moved: ${b.showName}, now ${when(b)}`
/** Why a booking was cancelled: by its owner, because its screening was, or because its owner's account was closed. */
export type CancelReason = 'user' | 'screening-cancelled' | 'account-closed'

const cancelledSubject = (b: BookingMail, reason: CancelReason) =>
  `${reason === 'screening-cancelled' ? 'Screening' : 'Booking'} cancelled: ${b.showName}, ${when(b)}`

/** "Booking confirmed", with the booking's calendar invite (.ics) attached. */
function bookingConfirmedEmail(b: BookingMail, to: string, ctx: MailContext, now = new Date()): OutgoingEmail {
  const rendered = renderEmail({
    subject: confirmedSubject(b),
    preheader: `Booking ${b.reference}: ${b.quantity} ${b.quantity === 1 ? 'ticket' : 'tickets'}, seats ${b.seats.join(', ')}.`,
    heading: 'Your seats are booked',
    blocks: [
      { type: 'paragraph', text: `See you at ${b.venueName}. Show the reference ${b.reference} at the counter.` },
      { type: 'details', rows: bookingRows(b, ctx) },
      { type: 'button', label: 'View your booking', url: `${site(ctx)}/bookings/${b.id}` },
      { type: 'paragraph', text: 'The calendar invite is attached: open it to add the show to your calendar.' },
    ],
  }, ctx.siteUrl)
  return { ...rendered, to, kind: 'booking-confirmed', dedupeKey: `booking-confirmed:${b.id}`, userId: b.userId, attachments: [icsAttachment(b, ctx, now)] }
}

/** "Booking changed": the `change`-th change of the booking (each change is its own email), with the updated invite. */
function bookingChangedEmail(b: BookingMail, to: string, change: number, ctx: MailContext, now = new Date()): OutgoingEmail {
  const rendered = renderEmail({
    subject: changedSubject(b),
    preheader: `Booking ${b.reference} now has ${b.quantity} ${b.quantity === 1 ? 'ticket' : 'tickets'}: seats ${b.seats.join(', ')}.`,
    heading: 'Your booking has changed',
    blocks: [
      { type: 'paragraph', text: `Booking ${b.reference} now looks like this.` },
      { type: 'details', rows: bookingRows(b, ctx) },
      { type: 'button', label: 'View your booking', url: `${site(ctx)}/bookings/${b.id}` },
      { type: 'paragraph', text: 'The updated calendar invite is attached.' },
    ],
  }, ctx.siteUrl)
  return { ...rendered, to, kind: 'booking-changed', dedupeKey: `booking-changed:${b.id}:${change}`, userId: b.userId, attachments: [icsAttachment(b, ctx, now, change)] }
}

/** "Booking moved" to another showtime: the `change`-th change or move, with the invite that replaces the old event (same UID, higher SEQUENCE). */
function bookingMovedEmail(b: BookingMail, to: string, change: number, previousStartsAt: string, ctx: MailContext, now = new Date()): OutgoingEmail {
  const rendered = renderEmail({
    subject: movedSubject(b),
    preheader: `Booking ${b.reference} is now on ${when(b)}: seats ${b.seats.join(', ')}.`,
    heading: 'Your booking has moved',
    blocks: [
      { type: 'paragraph', text: `Booking ${b.reference} has moved from ${venueDateTime(previousStartsAt, b.timezone, true)} to ${when(b)}. Your old seats are released.` },
      { type: 'details', rows: bookingRows(b, ctx) },
      { type: 'button', label: 'View your booking', url: `${site(ctx)}/bookings/${b.id}` },
      { type: 'paragraph', text: 'The attached calendar invite replaces the one you had.' },
    ],
  }, ctx.siteUrl)
  return { ...rendered, to, kind: 'booking-moved', dedupeKey: `booking-moved:${b.id}:${change}`, userId: b.userId, attachments: [icsAttachment(b, ctx, now, change)] }
}

/** "Booking cancelled", by its owner or because an admin cancelled the screening. */
export function bookingCancelledEmail(b: BookingMail, to: string, reason: CancelReason, ctx: MailContext): OutgoingEmail {
  const byScreening = reason === 'screening-cancelled'
  const byClosing = reason === 'account-closed'
  const rendered = renderEmail({
    subject: cancelledSubject(b, reason),
    preheader: byScreening
      ? `We are sorry: this screening will not take place, so booking ${b.reference} is cancelled.`
      : byClosing
        ? `Your TicketShow account is closed, so booking ${b.reference} is cancelled.`
        : `Booking ${b.reference} is cancelled and its seats are free again.`,
    heading: byScreening ? 'Your screening has been cancelled' : 'Your booking is cancelled',
    blocks: [
      {
        type: 'paragraph',
        text: byScreening
          ? `We are sorry: the screening of ${b.showName} on ${when(b)} at ${b.venueName} has been cancelled, so your booking ${b.reference} is cancelled too.`
          : byClosing
            ? `Your TicketShow account has been closed, so your booking ${b.reference} for ${b.showName} on ${when(b)} is cancelled and its seats are free again.`
            : `You cancelled booking ${b.reference}; its seats are free again for others.`,
      },
      { type: 'details', rows: bookingRows(b, ctx).filter(([label]) => label !== 'Tickets') },
      { type: 'button', label: byScreening ? 'Find another showtime' : 'Book again', url: `${site(ctx)}/shows/${b.showId}` },
    ],
  }, ctx.siteUrl)
  return { ...rendered, to, kind: 'booking-cancelled', dedupeKey: `booking-cancelled:${b.id}`, userId: b.userId }
}

/**
 * A booking email as the outbox keeps it when it is written inside a booking transaction:
 * its envelope (recipient, subject, dedupe key) and the data to render it from, so the
 * transaction writes a few hundred bytes and renders nothing. The HTML, text and invite
 * are made when the email is sent or an admin reads it (renderDeferred), from the same
 * functions as above.
 */
export type DeferredBookingEmail
  = | { name: 'booking-confirmed', booking: BookingMail, ctx: MailContext, at: string }
    | { name: 'booking-changed', booking: BookingMail, ctx: MailContext, at: string, change: number }
    | { name: 'booking-moved', booking: BookingMail, ctx: MailContext, at: string, change: number, previousStartsAt: string }
    | { name: 'booking-cancelled', booking: BookingMail, ctx: MailContext, reason: CancelReason }

export function deferredBookingEmail(t: DeferredBookingEmail, to: string): OutgoingEmail {
  const b = t.booking
  const envelope = { to, html: '', text: '', userId: b.userId, template: t }
  switch (t.name) {
    case 'booking-confirmed':
      return { ...envelope, subject: confirmedSubject(b), kind: t.name, dedupeKey: `booking-confirmed:${b.id}` }
    case 'booking-changed':
      return { ...envelope, subject: changedSubject(b), kind: t.name, dedupeKey: `booking-changed:${b.id}:${t.change}` }
    case 'booking-moved':
      return { ...envelope, subject: movedSubject(b), kind: t.name, dedupeKey: `booking-moved:${b.id}:${t.change}` }
    case 'booking-cancelled':
      return { ...envelope, subject: cancelledSubject(b, t.reason), kind: t.name, dedupeKey: `booking-cancelled:${b.id}` }
  }
}

/** The full email (HTML, text, attachments) of a deferred booking email. */
export function renderDeferred(t: DeferredBookingEmail, to: string): OutgoingEmail {
  switch (t.name) {
    case 'booking-confirmed': return bookingConfirmedEmail(t.booking, to, t.ctx, new Date(t.at))
    case 'booking-changed': return bookingChangedEmail(t.booking, to, t.change, t.ctx, new Date(t.at))
    case 'booking-moved': return bookingMovedEmail(t.booking, to, t.change, t.previousStartsAt, t.ctx, new Date(t.at))
    case 'booking-cancelled': return bookingCancelledEmail(t.booking, to, t.reason, t.ctx)
  }
}
