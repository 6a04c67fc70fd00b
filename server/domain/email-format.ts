// How emails say times: as the pages do (useFormat), without the Vue runtime (money:
// formatMoney in shared/money). Formatters are made once per timezone: each holds native (ICU) memory that
// the garbage collector does not count, so making them per email balloons a long run.

const dayFormats = new Map<string, Intl.DateTimeFormat>()
const timeFormats = new Map<string, Intl.DateTimeFormat>()

function cached(map: Map<string, Intl.DateTimeFormat>, key: string, timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  let f = map.get(key)
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, ...options })
    map.set(key, f)
  }
  return f
}

/**
 * "Sat 29 Nov, 18:30" (with `withYear`, "Sat 29 Nov 2026, 18:30"): an instant as the
 * venue's clock shows it.
 */
export function venueDateTime(iso: string, timeZone: string, withYear = false): string {
  const options: Intl.DateTimeFormatOptions = { weekday: 'short', day: 'numeric', month: 'short', ...(withYear && { year: 'numeric' }) }
  const day = cached(dayFormats, `${timeZone} ${withYear}`, timeZone, options).format(new Date(iso)).replace(',', '')
  return `${day}, ${venueTime(iso, timeZone)}`
}

/** "18:30" at the venue. */
export function venueTime(iso: string, timeZone: string): string {
  return cached(timeFormats, timeZone, timeZone, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso))
}

/** The calendar date after `date` (YYYY-MM-DD). */
export function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 24 * 3600 * 1000).toISOString().slice(0, 10)
}
