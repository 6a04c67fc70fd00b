/** True for a UNIQUE or PRIMARY KEY violation on either dialect. */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE',
  // PostgreSQL: connection exceptions (08…), shutting down (57P0…), too many connections.
  '08000', '08001', '08003', '08004', '08006', '57P01', '57P02', '57P03', '53300',
  // SQLite: locked past busy_timeout, or the file cannot be opened or read.
  'SQLITE_BUSY', 'SQLITE_CANTOPEN', 'SQLITE_IOERR', 'SQLITE_FULL',
])
const UNREACHABLE_MESSAGE = /Connection terminated|timeout exceeded when trying to connect|not queryable|Connection ended unexpectedly/i

/** True when the database could not be reached or used at all (not when it refused a query). */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown, message?: unknown } | null
  if (!e || typeof e !== 'object') return false
  const code = typeof e.code === 'string' ? e.code.replace(/^(SQLITE_IOERR)_.*$/, '$1') : undefined
  return (code !== undefined && UNREACHABLE_CODES.has(code)) || (typeof e.message === 'string' && UNREACHABLE_MESSAGE.test(e.message))
}
