import { z } from '../zod'
import { IdQuerySchema, IdSchema, PageQuerySchema } from './common'
import { MAX_CATEGORIES, MAX_LAYOUT_ROWS, MAX_ROW_PLACES, layoutProblem } from '../layout'

const text = (max: number, label = 'This') => z.string().trim().min(1, `${label} is required`).max(max, `Use at most ${max} characters`)

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz })
    return true
  }
  catch {
    return false
  }
}

export const MAX_CAPACITY = 5000
export const MAX_PRICE = 100_000_000

export const VenueCreateSchema = z.object({
  name: text(120, 'Name'),
  place: text(120, 'Place'),
  capacity: z.number().int('Use a whole number').min(1, 'A venue needs at least one seat').max(MAX_CAPACITY, `At most ${MAX_CAPACITY} seats`),
  seatsPerRow: z.number().int('Use a whole number').min(1, 'At least one seat per row').max(100, 'At most 100 seats per row').optional(),
  timezone: z.string().refine(isTimeZone, 'Use an IANA timezone such as Asia/Kolkata').optional(),
})
export type VenueCreateInput = z.infer<typeof VenueCreateSchema>

export const VenuePatchSchema = VenueCreateSchema.partial()
  .refine(v => Object.keys(v).length > 0, 'Change at least one field')
export type VenuePatchInput = z.infer<typeof VenuePatchSchema>

export const VenueListQuerySchema = PageQuerySchema.extend({
  q: z.string().trim().max(100).optional(),
  city: z.string().trim().max(120).optional(),
})

const categoryId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'Use 1–32 lowercase letters, digits or dashes, such as "prime"')

const place = z.union([
  z.object({ gap: z.literal(true) }).strict(),
  z.object({
    seat: z.number().int('Use a whole number').min(1, 'Seat numbers start at 1').max(9999, 'Seat numbers go up to 9999'),
    category: categoryId,
    access: z.enum(['wheelchair', 'companion']).optional(),
  }).strict(),
], { error: 'Each place is {seat, category, access?} or {gap: true}' })

/** PUT /api/venues/{id}/layout. */
export const LayoutSchema = z.object({
  categories: z.array(z.object({ id: categoryId, name: text(40, 'Name') }).strict())
    .min(1, 'A hall needs at least one category').max(MAX_CATEGORIES, `At most ${MAX_CATEGORIES} categories`),
  rows: z.array(z.object({
    label: z.string().regex(/^[A-Z]{1,3}$/, 'Row labels are 1–3 capital letters, such as A or AA'),
    places: z.array(place).max(MAX_ROW_PLACES, `At most ${MAX_ROW_PLACES} places in a row`),
  }).strict()).min(1, 'A hall needs at least one row').max(MAX_LAYOUT_ROWS, `At most ${MAX_LAYOUT_ROWS} rows`),
}).strict().superRefine((layout, ctx) => {
  const problem = layoutProblem(layout, MAX_CAPACITY)
  if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['rows'] })
})
export type LayoutInput = z.infer<typeof LayoutSchema>

const price = z.number().int('Use whole minor units').min(0, 'A price cannot be negative').max(MAX_PRICE, 'That price is too high')

/** A screening's price per seat category, in minor units (categories left out cost the screening's price). */
const categoryPrices = z.record(categoryId, price)

const rating = z.number()
  .min(0, 'Ratings go from 0 to 10').max(10, 'Ratings go from 0 to 10')
  .refine(r => Math.abs(r * 10 - Math.round(r * 10)) < 1e-9, 'Use at most one decimal')

export const TagSchema = z.string().trim().toLowerCase().min(1, 'A tag cannot be empty').max(40, 'Use at most 40 characters per tag')

const tags = z.array(TagSchema).max(20, 'At most 20 tags')

const showFields = {
  name: text(200, 'Name'),
  description: z.string().trim().max(5000, 'Use at most 5000 characters').optional(),
  rating: rating.nullable().optional(),
  tags,
  ticketPrice: z.number().int('Use whole minor units (e.g. paise)').min(0, 'A price cannot be negative').max(MAX_PRICE, 'That price is too high'),
  durationMinutes: z.number().int('Use whole minutes').min(1, 'At least one minute').max(1440, 'At most 24 hours').optional(),
}

export const ShowCreateSchema = z.object({ ...showFields, tags: tags.default([]) })
export type ShowCreateInput = z.infer<typeof ShowCreateSchema>

// Built from the plain fields, not ShowCreateSchema.partial(): the create default (tags: [])
// would otherwise fill in every patch, so renaming a show would wipe its tags.
export const ShowPatchSchema = z.object(showFields).partial()
  .refine(v => Object.keys(v).length > 0, 'Change at least one field')
export type ShowPatchInput = z.infer<typeof ShowPatchSchema>

const queryBool = z.union([z.boolean(), z.enum(['true', 'false', '1', '0'])]).transform(v => v === true || v === 'true' || v === '1')

export const ShowListQuerySchema = PageQuerySchema.extend({
  q: z.string().trim().max(100).optional(),
  tag: z.string().trim().toLowerCase().max(40).optional(),
  city: z.string().trim().max(120).optional(),
  date: z.iso.date('Use a date like 2026-11-29').optional(),
  minRating: z.coerce.number().min(0).max(10).optional(),
  all: queryBool.optional(),
})
export type ShowListQuery = z.infer<typeof ShowListQuerySchema>

// Years 1 to 9999 in UTC: PostgreSQL has no year 0, and an instant past 9999 (in UTC, say
// 9999-12-31T23:00-05:00) is written +010000-… by toISOString, which it cannot read.
const FIRST_INSTANT = Date.parse('0001-01-01T00:00:00Z')
const LAST_INSTANT = Date.parse('9999-12-31T23:59:59.999Z')
const instant = z.iso.datetime({ offset: true, message: 'Use an ISO 8601 date and time, e.g. 2026-11-29T18:30:00Z' })
  .refine(s => Date.parse(s) >= FIRST_INSTANT && Date.parse(s) <= LAST_INSTANT, 'Use a date and time between the years 1 and 9999 (UTC)')

export const ScreeningCreateSchema = z.object({
  showId: IdSchema,
  venueId: IdSchema,
  startsAt: instant,
  price: price.optional(),
  prices: categoryPrices.optional(),
})
export type ScreeningCreateInput = z.infer<typeof ScreeningCreateSchema>

export const ScreeningPatchSchema = z.object({
  startsAt: instant.optional(),
  price: price.optional(),
  prices: categoryPrices.optional(),
}).refine(v => Object.keys(v).length > 0, 'Change at least one field')
export type ScreeningPatchInput = z.infer<typeof ScreeningPatchSchema>

export const ScreeningListQuerySchema = PageQuerySchema.extend({
  showId: IdQuerySchema.optional(),
  venueId: IdQuerySchema.optional(),
  from: instant.optional(),
  to: instant.optional(),
})

export const SearchQuerySchema = z.object({
  q: z.string().trim().max(100).default(''),
})
