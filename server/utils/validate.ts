import type { H3Event } from 'h3'
import type { z } from 'zod'

/**
 * Parses a value with a zod schema; a failure is a 400 whose `data.issues` holds the zod
 * issues (path + message), so forms can show each message next to its field.
 */
export function parseOr400<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const issues = result.error.issues.map(i => ({ code: i.code, path: i.path.map(String), message: i.message }))
  const first = issues[0]
  throw httpError(400, first ? (first.path.length ? `${first.path.join('.')}: ${first.message}` : first.message) : 'Invalid input', { issues })
}

// application/json or a +json type, with any parameters (charset).
const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i

/**
 * The JSON body, validated. Numbers in a JSON body are never coerced. Anything not sent as
 * JSON is refused: a form post or a typeless body is what another site can make a browser
 * send without a CORS preflight (a cross-site form could otherwise lock an account out).
 */
export async function readValidBody<T extends z.ZodType>(event: H3Event, schema: T): Promise<z.infer<T>> {
  if (!JSON_TYPE.test(getRequestHeader(event, 'content-type') ?? ''))
    throw httpError(400, 'Send the request body as JSON (Content-Type: application/json)')
  let body: unknown
  try {
    body = await readBody(event)
  }
  catch {
    throw httpError(400, 'The request body is not valid JSON')
  }
  return parseOr400(schema, body ?? {})
}

/** The query string, validated (query values may be coerced). */
export function getValidQuery<T extends z.ZodType>(event: H3Event, schema: T): z.infer<T> {
  return parseOr400(schema, getQuery(event))
}

/** The route params, validated (params may be coerced). */
export function getValidParams<T extends z.ZodType>(event: H3Event, schema: T): z.infer<T> {
  return parseOr400(schema, getRouterParams(event, { decode: true }))
}
