import { venueDateTime } from '#shared/format'
import type { MailContext } from './emails'
import type { OutgoingEmail } from './message'
import { renderEmail } from './render'

// "Seats are waiting for you": the email of a waiting-list offer (issue 15). One per entry
// (its dedupe key), so an offer made twice over, by two instances at once, is sent once.

export interface OfferMail {
  entryId: number
  userId: number
  username: string
  screeningId: number
  seats: string[]
  /** until when the seats are held for them */
  expiresAt: string
  startsAt: string
  showName: string
  venueName: string
  place: string
  timezone: string
}

/** The link that opens the screening with the offered seats chosen (and held: they are theirs). */
export function offerLink(o: Pick<OfferMail, 'entryId' | 'screeningId' | 'seats'>, ctx: MailContext): string {
  return `${ctx.siteUrl.replace(/\/+$/, '')}/screenings/${o.screeningId}?seats=${o.seats.join(',')}&offer=${o.entryId}`
}

export function waitlistOfferEmail(o: OfferMail, to: string, ctx: MailContext): OutgoingEmail {
  const when = venueDateTime(o.startsAt, o.timezone, true)
  const until = venueDateTime(o.expiresAt, o.timezone, true)
  const n = o.seats.length
  const rendered = renderEmail({
    subject: `Seats for you: ${o.showName}, ${when}`,
    preheader: `${n} ${n === 1 ? 'seat is' : 'seats are'} held for you until ${until}: book ${n === 1 ? 'it' : 'them'} before then.`,
    heading: `${n === 1 ? 'A seat has' : 'Seats have'} come free, ${o.username}`,
    blocks: [
      { type: 'paragraph', text: `You were on the waiting list for ${o.showName} on ${when} at ${o.venueName}. We are holding ${n === 1 ? 'a seat' : `${n} seats`} for you; nobody else can book ${n === 1 ? 'it' : 'them'} until ${until} (venue time).` },
      { type: 'details', rows: [['Show', o.showName], ['When', `${when} (venue time)`], ['Venue', `${o.venueName}, ${o.place}`], ['Seats', o.seats.join(', ')], ['Held until', until]] },
      { type: 'button', label: `Book ${n === 1 ? 'this seat' : 'these seats'}`, url: offerLink(o, ctx) },
      { type: 'paragraph', text: 'If you do not book them by then, they go to the next person waiting. Not going any more? Leave the waiting list on your bookings page and they go on at once.' },
    ],
  }, ctx.siteUrl)
  return { ...rendered, to, kind: 'waitlist-offer', dedupeKey: `waitlist-offer:${o.entryId}`, userId: o.userId }
}
