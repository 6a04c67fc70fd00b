import { z } from 'zod'

// Schemas that belong to no one context: paging and ids in routes.

/** `page` and `pageSize` of every collection GET (default 20, at most 100). */
export const PageQuerySchema = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
})

/** A numeric id in a route: `/api/shows/{id}`. */
export const IdParamSchema = z.object({
  id: z.coerce.number().int().positive(),
})
