// How TicketShow writes money, times and dates, for pages, emails, reports and the CSV alike:
// prices in the configured currency (amounts are integer minor units), times in the venue's
// timezone with the day spelled out ("Sat 29 Nov, 18:30").
//
// Every Intl formatter is made once per (locale, options) and kept: each holds native (ICU)
// memory that the garbage collector does not count, so making one per email or per row
// balloons a long run (100k monthly reports grew a process past 900 MB before this).

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>()
const numberFormats = new Map<string, Intl.NumberFormat>()

/** A cached `Intl.DateTimeFormat`. */
export function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`
  let f = dateTimeFormats.get(key)
  if (!f) dateTimeFormats.set(key, f = new Intl.DateTimeFormat(locale, options))
  return f
}

/** A cached `Intl.NumberFormat`. */
export function numberFormat(locale: string, options: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`
  let f = numberFormats.get(key)
  if (!f) numberFormats.set(key, f = new Intl.NumberFormat(locale, options))
  return f
}

/** The currency's formatter (en-IN grouping, as the pages show prices). */
export function moneyFormat(currency: string): Intl.NumberFormat {
  return numberFormat('en-IN', { style: 'currency', currency })
}

const minorDigits = new Map<string, number>()
/** How many minor units the currency has after the point: INR 2, JPY 0. */
export function minorDigitsOf(currency: string): number {
  let digits = minorDigits.get(currency)
  // resolvedOptions() builds a new object each time: once per currency is enough.
  if (digits === undefined) minorDigits.set(currency, digits = moneyFormat(currency).resolvedOptions().maximumFractionDigits ?? 2)
  return digits
}

/** An amount in integer minor units as people read it in the currency: 25000, 'INR' -> "₹250.00". */
export function formatMoney(minor: number, currency: string): string {
  return moneyFormat(currency).format(minor / 10 ** minorDigitsOf(currency))
}

/**
 * A price range as a showtime's tile shows it, short: whole amounts without their ".00"
 * ("₹180–₹420"), one price when both ends are equal ("₹250"), the minor units when there are any.
 */
export function formatMoneyRange(min: number, max: number, currency: string): string {
  const digits = minorDigitsOf(currency)
  const whole = min % 10 ** digits === 0 && max % 10 ** digits === 0
  const format = whole ? numberFormat('en-IN', { style: 'currency', currency, minimumFractionDigits: 0, maximumFractionDigits: 0 }) : moneyFormat(currency)
  const [lo, hi] = [min / 10 ** digits, max / 10 ** digits]
  return lo === hi ? format.format(lo) : `${format.format(lo)}–${format.format(hi)}`
}

/** An amount in minor units as a plain decimal in major units, for a CSV: 25000, 'INR' -> "250.00". */
export function formatMajorUnits(minor: number, currency: string): string {
  const digits = minorDigitsOf(currency)
  return (minor / 10 ** digits).toFixed(digits)
}

/** A count with grouping as the pages show it: 12345 -> "12,345". */
export function formatCount(n: number): string {
  return numberFormat('en-IN').format(n)
}

/** "18:30" at the venue. */
export function venueTime(iso: string, timeZone: string): string {
  return dateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso))
}

/**
 * "Sat 29 Nov, 18:30" (with `withYear`, "Sat 29 Nov 2026, 18:30"): an instant as the
 * venue's clock shows it.
 */
export function venueDateTime(iso: string, timeZone: string, withYear = false): string {
  const options: Intl.DateTimeFormatOptions = { timeZone, weekday: 'short', day: 'numeric', month: 'short', ...(withYear && { year: 'numeric' }) }
  return `${dateTimeFormat('en-GB', options).format(new Date(iso)).replace(',', '')}, ${venueTime(iso, timeZone)}`
}

/** "Saturday 29 November": the venue's date of an instant, spelled out. */
export function venueDate(iso: string, timeZone: string): string {
  return dateTimeFormat('en-GB', { timeZone, weekday: 'long', day: 'numeric', month: 'long' }).format(new Date(iso))
}

/** "2026-12-01 18:30": an instant as the venue's clock shows it, sortable (the CSV). */
export function venueClock(iso: string, timeZone: string): string {
  return `${localDate(iso, timeZone)} ${venueTime(iso, timeZone)}`
}

/** The calendar date (YYYY-MM-DD) of an instant in a timezone. */
export function localDate(instant: string | Date, timeZone: string): string {
  return dateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(instant))
}

/** The calendar date after `date` (YYYY-MM-DD). */
export function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 24 * 3600 * 1000).toISOString().slice(0, 10)
}

/** A calendar day (YYYY-MM-DD, already in the right timezone) as "Sat 29 Nov", or with `long` "Saturday 29 November". */
export function calendarDay(key: string, long = false): string {
  const options: Intl.DateTimeFormatOptions = long
    ? { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' }
    : { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' }
  return dateTimeFormat('en-GB', options).format(new Date(`${key}T00:00:00Z`)).replace(',', '')
}

/** A calendar day (YYYY-MM-DD) as "29 Nov", for chart axes. */
export function shortDay(key: string): string {
  return dateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(`${key}T12:00:00Z`))
}

/** A month (YYYY-MM) as "November 2026", or without the year "November"; `short`: "Nov". */
export function monthName(month: string, style: 'long-year' | 'long' | 'short' = 'long-year'): string {
  const options: Intl.DateTimeFormatOptions = style === 'long-year'
    ? { month: 'long', year: 'numeric', timeZone: 'UTC' }
    : { month: style, timeZone: 'UTC' }
  return dateTimeFormat('en-GB', options).format(new Date(`${month}-01T00:00:00Z`))
}

/** "1 Dec 2026, 18:30" in the reader's own timezone: when something happened (admin tables). */
export function timestamp(iso: string, withSeconds = false): string {
  return dateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: withSeconds ? 'medium' : 'short' }).format(new Date(iso))
}

/** A running time as people say it: "2 h 15 min", "45 min". */
export function formatDuration(minutes: number): string {
  const h = Math.floor(minutes / 60)
  const m = minutes % 60
  return h ? (m ? `${h} h ${m} min` : `${h} h`) : `${m} min`
}

/** Today's calendar date (YYYY-MM-DD) in the timezone this code runs in: in a browser, the visitor's. */
export function localToday(now: Date = new Date()): string {
  return dateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' }).format(now)
}

/** A timezone's offset from UTC at an instant, as "GMT+05:30" (undefined if the runtime cannot say). */
export function zoneOffset(timeZone: string, at: Date = new Date()): string | undefined {
  return dateTimeFormat('en-GB', { timeZone, timeZoneName: 'longOffset' }).formatToParts(at).find(p => p.type === 'timeZoneName')?.value
}
