import { z } from '../zod'

// Response shapes, for the OpenAPI document (the handlers' TypeScript types live in
// shared/types/api.ts and are checked against these in tests/api/openapi.test.ts).

const instant = z.string().describe('ISO 8601 UTC instant')
const money = z.number().int().describe('Integer minor currency units')

export const UserResponse = z.object({ id: z.number().int(), username: z.string(), email: z.string(), role: z.enum(['user', 'staff', 'admin']), approved: z.boolean(), createdAt: instant })
export const SessionResponse = UserResponse.omit({ createdAt: true })
export const VenueResponse = z.object({ id: z.number().int(), name: z.string(), place: z.string(), capacity: z.number().int(), seatsPerRow: z.number().int(), timezone: z.string(), createdAt: instant })
const LayoutPlaceResponse = z.union([
  z.object({ seat: z.number().int(), category: z.string(), access: z.enum(['wheelchair', 'companion']).optional() }),
  z.object({ gap: z.literal(true) }),
])
export const LayoutResponse = z.object({
  categories: z.array(z.object({ id: z.string(), name: z.string() })).describe('seat categories in display order'),
  rows: z.array(z.object({ label: z.string(), places: z.array(LayoutPlaceResponse).describe('left to right; a gap is an aisle') })).describe('front row first'),
})
export const VenueDetailResponse = VenueResponse.extend({ layout: LayoutResponse })
const VenueRef = z.object({ id: z.number().int(), name: z.string(), place: z.string(), timezone: z.string() })
export const ShowResponse = z.object({
  id: z.number().int(), name: z.string(), description: z.string(), rating: z.number().nullable(), tags: z.array(z.string()),
  ticketPrice: money, durationMinutes: z.number().int(), posterUrl: z.string().nullable(), posterThumbUrl: z.string().nullable(), createdAt: instant,
})
export const ShowListItemResponse = ShowResponse.extend({ nextScreening: z.object({ id: z.number().int(), startsAt: instant, venue: VenueRef }).nullable() })
const PriceRange = z.object({ min: money, max: money }).describe('the cheapest and the dearest seat, across the seat categories of the venue\'s hall (`prices`, with `price` for the categories it leaves out)')
const Availability = z.enum(['available', 'filling-fast', 'sold-out']).describe('filling-fast when at most 20% of the capacity or at most 10 seats (but at most half the hall) are left, whichever is more; sold-out at none')
export const ShowDetailResponse = ShowResponse.extend({
  screenings: z.array(z.object({
    id: z.number().int(), venue: VenueRef, startsAt: instant, price: money, priceRange: PriceRange,
    seatsLeft: z.number().int(), availability: Availability,
  })),
})
export const ScreeningResponse = z.object({
  id: z.number().int(), startsAt: instant, endsAt: instant, price: money,
  prices: z.record(z.string(), money).describe('prices set per seat category; a category left out costs `price`'),
  priceRange: PriceRange, capacity: z.number().int(), seatsLeft: z.number().int(), availability: Availability,
  show: z.object({ id: z.number().int(), name: z.string(), posterUrl: z.string().nullable(), durationMinutes: z.number().int() }),
  venue: VenueRef.extend({ seatsPerRow: z.number().int() }),
})
const SeatResponse = z.object({
  label: z.string(), category: z.string(), access: z.enum(['wheelchair', 'companion']).optional(),
  taken: z.boolean().describe('booked'), held: z.boolean().describe('held by someone choosing it now'),
})
export const ScreeningDetailResponse = ScreeningResponse.extend({
  categories: z.array(z.object({ id: z.string(), name: z.string(), price: money, seatsLeft: z.number().int() })),
  rows: z.array(z.object({ label: z.string(), places: z.array(z.union([SeatResponse, z.object({ gap: z.literal(true) })])) })),
  seats: z.array(SeatResponse),
})
export const SearchResponse = z.object({ shows: z.array(ShowListItemResponse), venues: z.array(VenueResponse) })
export const FiltersResponse = z.object({ cities: z.array(z.string()), tags: z.array(z.object({ tag: z.string(), count: z.number().int() })) })
const cacheState = z.enum(['memory', 'ok', 'degraded']).describe('memory: no Redis configured; ok: Redis connected; degraded: Redis unreachable (answers come from the database)')
export const HealthResponse = z.object({ status: z.enum(['ok', 'degraded']), database: z.literal('ok'), cache: cacheState })
export const HealthUnavailableResponse = z.object({ status: z.enum(['starting', 'unavailable', 'stopping']), database: z.enum(['starting', 'unavailable', 'ok']), cache: cacheState })
export const LiveResponse = z.object({ status: z.literal('ok'), uptime: z.number().int().describe('seconds since the process started') })
export const ReadyResponse = z.object({
  status: z.enum(['ready', 'starting', 'stopping', 'unavailable']),
  database: z.enum(['ok', 'starting', 'unavailable']),
  redis: z.enum(['ok', 'unavailable', 'not configured']),
})
export const CronResponse = z.object({ task: z.string(), result: z.unknown().describe('what the run returned, or `{ skipped }` when it was not due') })
export const ErrorResponse = z.object({
  statusCode: z.number().int(), statusMessage: z.string(), message: z.string(),
  data: z.record(z.string(), z.unknown()).optional().describe('Validation failures: { issues: [{ code, path, message }] }; 409 on seats: { seatsLeft }; 429: { retryAfter }'),
})

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() })
}

export const BookingResponse = z.object({
  id: z.number().int(), reference: z.string(), status: z.enum(['confirmed', 'cancelled']), quantity: z.number().int(), seats: z.array(z.string()),
  lines: z.array(z.object({ seat: z.string(), category: z.string(), categoryName: z.string(), price: money })).describe('each seat with its category and price as sold'),
  unitPrice: money.describe('price per seat; their average when seats cost different prices'), total: money, createdAt: instant, updatedAt: instant,
  screening: z.object({
    id: z.number().int(), startsAt: instant,
    show: z.object({ id: z.number().int(), name: z.string(), posterUrl: z.string().nullable() }),
    venue: VenueRef,
  }),
  ticketCode: z.string().optional().describe('Only in your own bookings: the signed secret the ticket\'s QR code encodes, shown at the door'),
})
const CheckinBookingResponse = z.object({
  id: z.number().int(), reference: z.string(), status: z.enum(['confirmed', 'cancelled']), quantity: z.number().int(), holder: z.string().describe('the username of who booked'),
  screening: z.object({ id: z.number().int(), startsAt: instant, show: z.object({ id: z.number().int(), name: z.string() }), venue: VenueRef }),
})
export const CheckinResponse = z.object({ booking: CheckinBookingResponse, seats: z.array(z.string()), checkedInAt: instant })
export const CheckinScreeningResponse = z.object({
  id: z.number().int(), startsAt: instant, show: z.object({ id: z.number().int(), name: z.string() }), venue: VenueRef,
  expected: z.number().int().describe('seats of confirmed bookings'), checkedIn: z.number().int().describe('seats of those let in'),
})
export const ScreeningBookingResponse = z.object({
  id: z.number().int(), reference: z.string(), status: z.enum(['confirmed', 'cancelled']), quantity: z.number().int(), seats: z.array(z.string()),
  total: money, createdAt: instant, user: z.object({ id: z.number().int(), username: z.string(), email: z.string() }),
})
export const StatsResponse = z.object({
  totals: z.object({ tickets: z.number().int(), revenue: money, bookings: z.number().int(), upcomingScreenings: z.number().int(), pendingUsers: z.number().int() }),
  ticketsPerDay: z.array(z.object({ date: z.string(), tickets: z.number().int(), revenue: money })),
  shows: z.array(z.object({ id: z.number().int(), name: z.string(), tickets: z.number().int(), revenue: money, capacity: z.number().int(), occupancy: z.number() })),
  waitlist: z.object({
    waiting: z.object({ people: z.number().int(), seats: z.number().int() }).describe('on a waiting list now, not yet offered seats'),
    offered: z.number().int().describe('offers open now'),
    unserved: z.object({ people: z.number().int(), seats: z.number().int() }).describe('waited in vain: the screening began or was cancelled before seats came free for them'),
    shows: z.array(z.object({ id: z.number().int(), name: z.string(), people: z.number().int(), seats: z.number().int() })).describe('the shows with the most seats wanted in vain (top 5)'),
  }).describe('Demand the halls could not meet'),
})

export const AccountResponse = UserResponse.extend({ emailOptIn: z.boolean().describe('Receives reminders, nudges and monthly reports') })
export const AccountPatchResponse = z.object({
  user: AccountResponse,
  token: z.string().optional().describe('Only when the password changed: a fresh bearer token for this session (every other session has ended); use it from now on'),
})
export const UnsubscribeResponse = z.object({ email: z.string().describe('The address, masked'), emailOptIn: z.boolean() })
const TaskRunResponse = z.object({ startedAt: instant, finishedAt: instant.nullable(), result: z.unknown(), error: z.string().nullable() })
export const TaskResponse = z.object({
  name: z.string(), description: z.string(),
  cron: z.string().nullable().describe('The cron expression the scheduler ticks on (server time); null: on demand only'),
  schedule: z.string().describe('When the task acts, as people say it'),
  lastRun: TaskRunResponse.nullable(),
})
export const TaskListResponse = pageOf(TaskResponse).extend({ scheduler: z.enum(['on', 'off']).describe('NUXT_SCHEDULER of the instance that answered') })

export const AccountExportResponse = z.object({
  exportedAt: instant,
  account: AccountResponse.extend({ lastSeenAt: instant.nullable() }),
  bookings: z.array(BookingResponse).describe('Every booking, confirmed or cancelled, newest first'),
  emails: z.array(z.object({ id: z.number().int(), to: z.string(), subject: z.string(), kind: z.string(), status: z.string(), createdAt: instant, sentAt: instant.nullable() })).describe('Every email TicketShow wrote to you'),
  waitlist: z.array(z.object({
    id: z.number().int(), screeningId: z.number().int(), quantity: z.number().int(), category: z.string().nullable(),
    status: z.enum(['waiting', 'offered', 'booked', 'lapsed', 'left', 'closed']), createdAt: instant,
    offeredSeats: z.array(z.string()), offerExpiresAt: instant.nullable(), endedAt: instant.nullable(),
  })).describe('Every waiting list you joined, and what became of it'),
})

export const HoldResponse = z.object({
  seats: z.array(z.string()).describe('the seats held for you'),
  expiresAt: instant.nullable().describe('when the first of them goes back; null when none are held'),
  offer: z.object({ seats: z.array(z.string()), expiresAt: instant }).nullable().describe('seats offered to you from the waiting list: held for you until then, whatever else you hold'),
})

const WaitlistScreening = z.object({ id: z.number().int(), startsAt: instant, show: z.object({ id: z.number().int(), name: z.string() }), venue: VenueRef })
export const WaitlistEntryResponse = z.object({
  id: z.number().int(),
  status: z.enum(['waiting', 'offered']).describe('offered: seats are held for you until offer.expiresAt; book them with POST /api/bookings'),
  quantity: z.number().int(),
  category: z.string().nullable().describe('the seat category waited for; null: any'),
  categoryName: z.string().nullable(),
  position: z.number().int().nullable().describe('1 for the first person waiting; null once offered'),
  createdAt: instant,
  offer: z.object({ seats: z.array(z.string()), expiresAt: instant }).nullable(),
  screening: WaitlistScreening,
})
export const ScreeningWaitlistResponse = z.object({
  screeningId: z.number().int(),
  size: z.number().int().describe('people waiting, not yet offered seats'),
  seatsWanted: z.number().int(),
  offered: z.number().int().describe('offers open now'),
  oldest: instant.nullable().describe('when the person who has waited longest joined'),
  entries: z.array(z.object({
    id: z.number().int(), status: z.enum(['waiting', 'offered']), quantity: z.number().int(), category: z.string().nullable(), createdAt: instant,
    offerExpiresAt: instant.nullable(), offeredSeats: z.array(z.string()), user: z.object({ id: z.number().int(), username: z.string() }),
  })).describe('in order: first come, first served'),
})
