// How emails say times and money: as the pages do (useFormat), without the Vue runtime.
// Formatters are made once per timezone or currency: each holds native (ICU) memory that
// the garbage collector does not count, so making them per email balloons a long run.

const dayFormats = new Map<string, Intl.DateTimeFormat>()
const timeFormats = new Map<string, Intl.DateTimeFormat>()

function cached(map: Map<string, Intl.DateTimeFormat>, timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  let f = map.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, ...options })
    map.set(timeZone, f)
  }
  return f
}

/** "Sat 29 Nov, 18:30": an instant as the venue's clock shows it. */
export function venueDateTime(iso: string, timeZone: string): string {
  const d = new Date(iso)
  const day = cached(dayFormats, timeZone, { weekday: 'short', day: 'numeric', month: 'short' }).format(d).replace(',', '')
  return `${day}, ${venueTime(iso, timeZone)}`
}

/** "18:30" at the venue. */
export function venueTime(iso: string, timeZone: string): string {
  return cached(timeFormats, timeZone, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso))
}

const moneyFormats = new Map<string, Intl.NumberFormat>()

/** "₹1,250.00": integer minor units in the configured currency. */
export function formatMoney(minor: number, currency: string): string {
  let f = moneyFormats.get(currency)
  if (!f) {
    f = new Intl.NumberFormat('en-IN', { style: 'currency', currency })
    moneyFormats.set(currency, f)
  }
  const digits = f.resolvedOptions().maximumFractionDigits ?? 2
  return f.format(minor / 10 ** digits)
}

/** The calendar date after `date` (YYYY-MM-DD). */
export function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 24 * 3600 * 1000).toISOString().slice(0, 10)
}
