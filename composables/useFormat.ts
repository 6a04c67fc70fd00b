/**
 * Formatting as people read it: prices in the configured currency (amounts are integer
 * minor units), times in the venue's timezone with the day spelled out ("Sat 29 Nov, 18:30").
 */
export function useFormat() {
  const currency = useRuntimeConfig().public.currency as string
  const money = new Intl.NumberFormat('en-IN', { style: 'currency', currency })
  const minorDigits = money.resolvedOptions().maximumFractionDigits ?? 2

  function price(minor: number): string {
    return money.format(minor / 10 ** minorDigits)
  }

  function dateTime(iso: string, timeZone: string): string {
    const d = new Date(iso)
    const day = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short' }).format(d)
    return `${day.replace(',', '')}, ${time(iso, timeZone)}`
  }

  function date(iso: string, timeZone: string): string {
    return new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'long', day: 'numeric', month: 'long' }).format(new Date(iso))
  }

  function time(iso: string, timeZone: string): string {
    return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso))
  }

  /** The calendar date (YYYY-MM-DD) of an instant in a timezone, for grouping. */
  function dayKey(iso: string, timeZone: string): string {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso))
  }

  /** A calendar day (YYYY-MM-DD, already in the right timezone) as "Sat 29 Nov", or with `long` "Saturday 29 November". */
  function calendarDay(key: string, long = false): string {
    const options: Intl.DateTimeFormatOptions = long
      ? { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' }
      : { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' }
    return new Intl.DateTimeFormat('en-GB', options).format(new Date(`${key}T00:00:00Z`)).replace(',', '')
  }

  /** A running time as people say it: "2 h 15 min", "45 min". */
  function duration(minutes: number): string {
    const h = Math.floor(minutes / 60)
    const m = minutes % 60
    return h ? (m ? `${h} h ${m} min` : `${h} h`) : `${m} min`
  }

  return { price, dateTime, date, time, dayKey, calendarDay, duration, currency, minorDigits }
}
