import { createError, isError } from 'h3'
import type { H3Error } from 'h3'
import { isDatabaseUnavailable } from '../db/errors'
import { BadCredentials, Conflict, DomainError, Forbidden, Gone, Invalid, NotFound, Unacceptable, Unsupported } from '../domain/errors'

// The one place where errors become HTTP: each domain error kind has its status, every
// error body is `{ statusCode, statusMessage, message, data? }` with the status's standard
// reason phrase, and nothing else (server/error.ts writes it).

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  411: 'Length Required',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
}

/** The standard reason phrase of a status code. */
export function reasonPhrase(statusCode: number): string {
  return REASONS[statusCode] ?? (statusCode >= 500 ? 'Server Error' : 'Error')
}

/** An HTTP error in the documented shape, for what only the HTTP layer knows (a missing token, a body too large). */
export function httpError(statusCode: number, message: string, data?: Record<string, unknown>): H3Error {
  return createError({ statusCode, statusMessage: reasonPhrase(statusCode), message, data })
}

/** What every request is told while the database cannot be reached. */
export const DATABASE_DOWN = 'TicketShow cannot reach its database right now; try again in a moment'

function statusOf(err: DomainError): number {
  if (err instanceof NotFound) return 404
  if (err instanceof Conflict) return 409
  if (err instanceof Invalid) return 400
  if (err instanceof BadCredentials) return 401
  if (err instanceof Forbidden) return 403
  if (err instanceof Unsupported) return 415
  if (err instanceof Gone) return 410
  if (err instanceof Unacceptable) return 422
  return 500
}

/**
 * Any error as the HTTP error it answers: a domain error (thrown as it is, or wrapped by h3
 * as the `cause` of a 500) by its kind, a database that cannot be reached 503, an h3 error
 * as it is, anything else a 500 that tells nothing of its cause.
 */
export function toHttpError(err: unknown): H3Error {
  const domain = err instanceof DomainError ? err : isError(err) && err.cause instanceof DomainError ? err.cause : undefined
  if (domain) return httpError(statusOf(domain), domain.message, domain.data)
  if (isDatabaseUnavailable(isError(err) ? err.cause ?? err : err)) return httpError(503, DATABASE_DOWN)
  if (isError(err) && !err.unhandled) return httpError(err.statusCode, err.message || reasonPhrase(err.statusCode), err.data as Record<string, unknown> | undefined)
  const unexpected = httpError(500, 'Something went wrong on our side; please try again')
  unexpected.unhandled = true
  unexpected.cause = isError(err) ? err.cause ?? err : err
  return unexpected
}
