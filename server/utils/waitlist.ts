import type { MadeOffer, OfferSettings } from '../domain/booking'

// Waiting-list offers as a request makes them (server/domain/booking/offers.ts): for how long
// (NUXT_OFFER_MINUTES), with the email's links; what was offered is announced once the
// transaction that made it has committed.

export type RequestOffers = OfferSettings & { made: MadeOffer[] }

/** The settings for the offers this request may make; `made` is filled in by the domain. */
export function useOfferSettings(): RequestOffers {
  return { minutes: Number(useRuntimeConfig().offerMinutes) || 30, ctx: useMailContext(), made: [] }
}

/**
 * After the commit: the offered seats show as held on every live map (each instance reads
 * the screening's seats again: an offer is rare, and a person's hold and offer differ in
 * expiry) and the offer emails go out.
 */
export function announceOffers(offers: RequestOffers): void {
  if (!offers.made.length) return
  for (const id of new Set(offers.made.map(o => o.screeningId))) announceSeats(id, { resync: true })
  requestMailFlush()
}

/** How a booking route tells its owner and the waiting list: the email context and the offer settings. */
export function bookingNotify(user: { email: string }): { to: string, ctx: ReturnType<typeof useMailContext>, offers: RequestOffers } {
  const offers = useOfferSettings()
  return { to: user.email, ctx: offers.ctx, offers }
}
