import { calendarDay, formatDuration, formatMoney, formatMoneyRange, localDate, minorDigitsOf, venueDate, venueDateTime, venueTime } from '#shared/format'

/**
 * Formatting as people read it, bound to the configured currency: prices (integer minor
 * units), times in the venue's timezone with the day spelled out ("Sat 29 Nov, 18:30").
 * The formatters themselves are shared with emails, reports and the CSV (#shared/format).
 */
export function useFormat() {
  const currency = useRuntimeConfig().public.currency as string
  const price = (minor: number) => formatMoney(minor, currency)
  return {
    currency,
    minorDigits: minorDigitsOf(currency),
    price,
    /** A price range, short: "₹180–₹420", or "₹250" when both ends are equal. */
    priceRange: (range: { min: number, max: number }) => formatMoneyRange(range.min, range.max, currency),
    /** A booking's seats by price, dearest first: "2 × ₹350.00 + 1 × ₹200.00". */
    seatPrices: (lines: { price: number }[]) => {
      const counts = new Map<number, number>()
      for (const l of lines) counts.set(l.price, (counts.get(l.price) ?? 0) + 1)
      return [...counts].sort(([a], [b]) => b - a).map(([p, n]) => `${n} × ${price(p)}`).join(' + ')
    },
    dateTime: venueDateTime,
    date: venueDate,
    time: venueTime,
    /** The calendar date (YYYY-MM-DD) of an instant in a timezone, for grouping. */
    dayKey: localDate,
    calendarDay,
    duration: formatDuration,
  }
}
