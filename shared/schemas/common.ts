import { z } from '../zod'

// Schemas that belong to no one context: ids, paging.

/** The largest id there can be: PostgreSQL's `integer`, so both dialects take the same ids. */
export const MAX_ID = 2 ** 31 - 1

/** An id in a JSON body (never coerced): 1…2^31−1. */
export const IdSchema = z.number().int('Use a whole number').min(1, 'Ids start at 1').max(MAX_ID, `Ids go up to ${MAX_ID}`)

/** An id in a query string (coerced): 1…2^31−1. */
export const IdQuerySchema = z.coerce.number().int('Use a whole number').min(1, 'Ids start at 1').max(MAX_ID, `Ids go up to ${MAX_ID}`)

/** `page` and `pageSize` of every collection GET (default 20, at most 100). */
export const PageQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(MAX_ID).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
})

/**
 * A numeric id in a route: `/api/shows/{id}`. Something that is not a whole number is a
 * bad request; a whole number outside 1…2^31−1 names nothing there can be, which the
 * server answers as not found (see getValidParams).
 */
export const IdParamSchema = z.object({
  // Decimal digits only, as ids are written: Number() would also read `0x7`, `7e0`, `7.0`,
  // `+7`, `07` and ` 7` as 7, so a malformed id could act on a real row. A whole number of
  // any size passes (beyond 2^31−1, or 2^53, it is simply not found).
  id: z.string().regex(/^-?(?:0|[1-9]\d*)$/, 'Use a whole number').transform(Number),
})

/** True for a whole number that can be an id. */
export function isId(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= MAX_ID
}
