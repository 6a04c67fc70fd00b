// Wall-clock times in a named timezone, with Intl only (no date library): an admin types
// "1 Dec, 18:30" meaning 18:30 at the venue, wherever the admin happens to be.

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const TIME = /^(\d{2}):(\d{2})(?::(\d{2}))?$/
const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE

const formats = new Map<string, Intl.DateTimeFormat>()

function formatIn(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    formats.set(timeZone, f)
  }
  return f
}

/** The wall-clock reading of an instant in a timezone, as if that reading were UTC (ms). */
function wallClock(epochMs: number, timeZone: string): number {
  const parts: Record<string, number> = {}
  for (const p of formatIn(timeZone).formatToParts(new Date(epochMs))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value)
  }
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!)
}

/** The timezone's offset from UTC at an instant, in ms (IST: +5:30 h). */
function offsetAt(epochMs: number, timeZone: string): number {
  return wallClock(epochMs, timeZone) - Math.floor(epochMs / 1000) * 1000
}

/** True for a real calendar date written YYYY-MM-DD. */
export function isLocalDate(date: string): boolean {
  const m = DATE.exec(date)
  if (!m) return false
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const t = new Date(Date.UTC(y, mo - 1, d))
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d
}

/** True for a time of day written HH:MM or HH:MM:SS (24-hour clock). */
export function isLocalTime(time: string): boolean {
  const m = TIME.exec(time)
  return !!m && Number(m[1]) < 24 && Number(m[2]) < 60 && Number(m[3] ?? 0) < 60
}

/** True for a timezone Intl knows (an IANA name such as Asia/Kolkata, or UTC). */
export function isTimeZoneName(timeZone: string): boolean {
  if (!timeZone) return false
  // A formatter holds native (ICU) memory the garbage collector does not see: making one
  // per call, in a loop over 100k bookings, grows the process by gigabytes before a GC.
  if (formats.has(timeZone)) return true
  try {
    formatIn(timeZone)
    return true
  }
  catch {
    return false
  }
}

/**
 * The UTC instant (ISO 8601) at which the clocks in `timeZone` read `date` `time`:
 * zonedLocalToUtc('2026-12-01', '18:30', 'Asia/Kolkata') === '2026-12-01T13:00:00.000Z'.
 *
 * Across a daylight-saving change it behaves like Temporal's "compatible" choice: a time
 * the clocks pass twice (autumn) is the first of the two; a time they skip (spring) is
 * moved forward by the length of the gap (01:30 becomes 02:30 in Europe/London).
 * Throws a RangeError for a malformed date or time, or an unknown timezone.
 */
export function zonedLocalToUtc(date: string, time: string, timeZone: string): string {
  if (!isLocalDate(date)) throw new RangeError(`Not a date: "${date}" (use YYYY-MM-DD)`)
  if (!isLocalTime(time)) throw new RangeError(`Not a time: "${time}" (use HH:MM)`)
  if (!isTimeZoneName(timeZone)) throw new RangeError(`Unknown timezone: "${timeZone}"`)
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number]
  const [h, mi, s = 0] = time.split(':').map(Number) as [number, number, number?]
  const local = Date.UTC(y, mo - 1, d, h, mi, s)

  // Offsets change at most once within a day either side of any real-world date, so the
  // offsets a day before and a day after are the only candidates.
  const before = offsetAt(local - DAY, timeZone)
  const after = offsetAt(local + DAY, timeZone)
  const candidates = [...new Set([before, after])]
    .map(offset => local - offset)
    .filter(t => wallClock(t, timeZone) === local)
    .sort((a, b) => a - b)
  // No candidate: the clocks skipped this reading; the offset before the gap lands after it.
  const instant = candidates[0] ?? local - before
  return new Date(instant).toISOString()
}

/** The date (YYYY-MM-DD) and time (HH:MM) the clocks in `timeZone` show at an instant. */
export function utcToZonedLocal(iso: string, timeZone: string): { date: string, time: string } {
  const t = new Date(iso).getTime()
  if (Number.isNaN(t)) throw new RangeError(`Not an instant: "${iso}"`)
  if (!isTimeZoneName(timeZone)) throw new RangeError(`Unknown timezone: "${timeZone}"`)
  const wall = new Date(wallClock(t, timeZone)).toISOString()
  return { date: wall.slice(0, 10), time: wall.slice(11, 16) }
}

/** Every date from `from` to `to` inclusive (YYYY-MM-DD); empty when `to` is before `from`. */
export function datesBetween(from: string, to: string, max = 366): string[] {
  if (!isLocalDate(from) || !isLocalDate(to)) throw new RangeError('Use dates like 2026-12-01')
  const out: string[] = []
  for (let t = Date.parse(`${from}T00:00:00Z`), end = Date.parse(`${to}T00:00:00Z`); t <= end && out.length < max; t += DAY)
    out.push(new Date(t).toISOString().slice(0, 10))
  return out
}

/** The weekday of a calendar date: 0 = Sunday … 6 = Saturday. */
export function weekdayOf(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay()
}

// ICU (Node, Chromium) still lists some zones under their old names; people and the IANA
// database use the new ones, and both are accepted everywhere.
const RENAMED: Record<string, string> = {
  'Africa/Asmera': 'Africa/Asmara',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'America/Catamarca': 'America/Argentina/Catamarca',
  'America/Cordoba': 'America/Argentina/Cordoba',
  'America/Godthab': 'America/Nuuk',
  'America/Indianapolis': 'America/Indiana/Indianapolis',
  'America/Jujuy': 'America/Argentina/Jujuy',
  'America/Louisville': 'America/Kentucky/Louisville',
  'America/Mendoza': 'America/Argentina/Mendoza',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Europe/Kiev': 'Europe/Kyiv',
  'Pacific/Enderbury': 'Pacific/Kanton',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Truk': 'Pacific/Chuuk',
}

/** Every timezone this runtime knows, under its current IANA name (Asia/Kolkata, not Asia/Calcutta), with UTC, sorted. */
export function timeZoneNames(): string[] {
  const names = new Set<string>(['UTC'])
  for (const tz of Intl.supportedValuesOf('timeZone')) {
    const renamed = RENAMED[tz]
    names.add(renamed && isTimeZoneName(renamed) ? renamed : tz)
  }
  return [...names].sort()
}

const INSTANT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})\b/g

/** A message with every ISO instant in it rewritten by `format` (say, into the venue's local time). */
export function rewriteInstants(message: string, format: (iso: string) => string): string {
  return message.replace(INSTANT, iso => (Number.isNaN(Date.parse(iso)) ? iso : format(iso)))
}
