import type { H3Event } from 'h3'
import type { z } from 'zod'
import { isId } from '#shared/schemas/common'
import { NotFound } from '../domain/errors'

// Control characters have no place in anything a person types: NUL (which PostgreSQL
// cannot store in text at all) and the other C0 controls and DEL. Tabs and line breaks
// are text.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/

/**
 * Where in a parsed JSON value (or query) a string holds a control character. Walked with
 * a stack of its own, not by recursion: a 64 KB body can nest 30,000 arrays deep, past
 * what the call stack holds.
 */
function controlCharacterAt(value: unknown): string[] | null {
  interface Step { item: unknown, key?: string, parent?: Step }
  const pathOf = (step: Step | undefined, last?: string): string[] => {
    const path = last === undefined ? [] : [last]
    for (let s = step; s?.key !== undefined; s = s.parent) path.unshift(s.key)
    return path
  }
  const stack: Step[] = [{ item: value }]
  while (stack.length) {
    const step = stack.pop()!
    if (typeof step.item === 'string' && CONTROL.test(step.item)) return pathOf(step)
    if (step.item && typeof step.item === 'object') {
      const entries = Object.entries(step.item)
      for (const [key] of entries) if (CONTROL.test(key)) return pathOf(step, key)
      // In reverse, so the first problem in document order is the one named.
      for (let i = entries.length - 1; i >= 0; i--) stack.push({ item: entries[i]![1], key: entries[i]![0], parent: step })
    }
  }
  return null
}

/**
 * Parses a value with a zod schema; a failure is a 400 whose `data.issues` holds the zod
 * issues (path + message), so forms can show each message next to its field. Text with
 * control characters in it is refused the same way, on every dialect alike.
 */
export function parseOr400<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const control = controlCharacterAt(value)
  if (control) {
    const message = 'Remove the control characters (such as NUL) from this text'
    throw httpError(400, control.length ? `${control.join('.')}: ${message}` : message, { issues: [{ code: 'custom', path: control, message }] })
  }
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
    // Strict for every JSON type: h3 reads only exactly `application/json` strictly, and
    // would otherwise hand on invalid JSON as a string and silently drop `__proto__` keys,
    // so `; charset=utf-8` or `+json` would change how a body is read.
    body = await readBody(event, { strict: true })
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

/**
 * The route params, validated (params may be coerced). A whole number outside 1…2^31−1
 * can be no id of anything, so it is NotFound rather than a bad request.
 */
export function getValidParams<T extends z.ZodType>(event: H3Event, schema: T): z.infer<T> {
  const params = parseOr400(schema, getRouterParams(event, { decode: true }))
  for (const value of Object.values(params as Record<string, unknown>)) {
    if (typeof value === 'number' && !isId(value)) throw new NotFound(`Nothing has the id ${value}`)
  }
  return params
}
