import { z } from '../zod'
import { MAX_SEATS_PER_BOOKING } from '../seats'
import { IdSchema, PageQuerySchema } from './common'

export { MAX_SEATS_PER_BOOKING }

const quantity = z.number({ error: 'Send the number of seats as a number' })
  .int('Book whole seats')
  .min(1, 'Book at least one seat')
  .max(MAX_SEATS_PER_BOOKING, `Book at most ${MAX_SEATS_PER_BOOKING} seats at a time`)

// Labels exactly as the seat map gives them (`C7`): like numbers, they are not coerced.
const seats = z.array(z.string().regex(/^[A-Z]{1,3}[1-9]\d{0,3}$/, 'Seats look like C7'))
  .min(1, 'Choose at least one seat')
  .max(MAX_SEATS_PER_BOOKING, `Book at most ${MAX_SEATS_PER_BOOKING} seats at a time`)
  .refine(list => new Set(list).size === list.length, 'Each seat only once')

export const BookingCreateSchema = z.union([
  z.object({ screeningId: IdSchema, quantity, category: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'Use a category id of the hall, such as "prime"').optional() }).strict(),
  z.object({ screeningId: IdSchema, seats }).strict(),
], { error: 'Send {screeningId, quantity, category?} or {screeningId, seats}' })
export type BookingCreateInput = z.infer<typeof BookingCreateSchema>

/** POST /api/bookings/{id}/move: the screening to move to, with exactly `seats` or the best `quantity` (default: as many as now) of `category`. */
export const BookingMoveSchema = z.union([
  z.object({ screeningId: IdSchema, seats }).strict(),
  z.object({ screeningId: IdSchema, quantity: quantity.optional(), category: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'Use a category id of the hall, such as "prime"').optional() }).strict(),
], { error: 'Send {screeningId, seats} or {screeningId, quantity?, category?}' })
export type BookingMoveInput = z.infer<typeof BookingMoveSchema>

export const BookingPatchSchema = z.union([
  z.object({ quantity }).strict(),
  z.object({ seats }).strict(),
], { error: 'Send {quantity} or {seats}' })
export type BookingPatchInput = z.infer<typeof BookingPatchSchema>

/** PUT /api/screenings/{id}/hold: the seats to hold (none lets go), at most ten. */
export const HoldSchema = z.object({
  seats: z.array(z.string().regex(/^[A-Z]{1,3}[1-9]\d{0,3}$/, 'Seats look like C7'))
    .max(MAX_SEATS_PER_BOOKING, `Hold at most ${MAX_SEATS_PER_BOOKING} seats`)
    .refine(list => new Set(list).size === list.length, 'Each seat only once'),
}).strict()

export const BookingListQuerySchema = PageQuerySchema.extend({
  status: z.enum(['confirmed', 'cancelled', 'all']).default('all'),
  when: z.enum(['upcoming', 'past', 'all']).default('all'),
})

/** POST /api/screenings/{id}/waitlist: how many seats one waits for, of which category (default: any). */
export const WaitlistJoinSchema = z.object({
  quantity: z.number({ error: 'Send the number of seats as a number' })
    .int('Wait for whole seats')
    .min(1, 'Wait for at least one seat')
    .max(MAX_SEATS_PER_BOOKING, `Wait for at most ${MAX_SEATS_PER_BOOKING} seats`),
  category: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'Use a category id of the hall, such as "prime"').optional(),
}).strict()
export type WaitlistJoinInput = z.infer<typeof WaitlistJoinSchema>
