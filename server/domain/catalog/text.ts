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
