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

  return { price, dateTime, date, time, dayKey, currency, minorDigits }
}
