import { sql } from 'kysely'
import type { RawBuilder } from 'kysely'

/**
 * `column` contains `text`, ignoring case, on both dialects. The user's `%` and `_` are
 * matched literally (escaped with `!`).
 */
export function containsText(column: string, text: string): RawBuilder<boolean> {
  const pattern = `%${text.toLowerCase().replace(/[!%_]/g, c => `!${c}`)}%`
  return sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape '!'`
}

const dateFormats = new Map<string, Intl.DateTimeFormat>()

/** The calendar date (YYYY-MM-DD) of an instant in a timezone. */
export function localDate(instant: string | Date, timeZone: string): string {
  let f = dateFormats.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
    dateFormats.set(timeZone, f)
  }
  return f.format(new Date(instant))
}
