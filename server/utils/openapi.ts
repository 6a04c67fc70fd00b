import { z } from 'zod'
import { IdParamSchema } from '#shared/schemas/common'
import { AccountPatchSchema, LoginSchema, RegisterSchema, UnsubscribeQuerySchema, UserListQuerySchema } from '#shared/schemas/account'
import { ScreeningCreateSchema, ScreeningListQuerySchema, ScreeningPatchSchema, SearchQuerySchema, ShowCreateSchema, ShowListQuerySchema, ShowPatchSchema, VenueCreateSchema, VenueListQuerySchema, VenuePatchSchema } from '#shared/schemas/catalog'
import { BookingCreateSchema, BookingListQuerySchema, BookingPatchSchema } from '#shared/schemas/booking'
import * as R from '#shared/schemas/responses'
import { OutboxDetailResponse, OutboxItemResponse, OutboxListQuerySchema } from '#shared/schemas/outbox'

type Who = 'anyone' | 'user' | 'approved user' | 'admin'

interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete'
  path: string
  summary: string
  tag: string
  who: Who
  query?: z.ZodObject
  body?: z.ZodType
  multipart?: Record<string, string>
  ok: [number, string, z.ZodType?]
  errors?: Record<number, string>
}

/** Every route of the HTTP contract, described by the same zod schemas the handlers use. */
export const operations: Operation[] = [
  { method: 'post', path: '/api/auth/register', tag: 'Accounts', summary: 'Register (an admin must approve the account)', who: 'anyone', body: RegisterSchema, ok: [201, 'The new account, waiting for approval', z.object({ user: R.UserResponse })], errors: { 400: 'Invalid input', 409: 'Username or email taken' } },
  { method: 'post', path: '/api/auth/login', tag: 'Accounts', summary: 'Log in', who: 'anyone', body: LoginSchema, ok: [200, 'A bearer token', z.object({ token: z.string() })], errors: { 400: 'Invalid input', 401: 'Wrong username or password', 403: 'Waiting for approval', 429: 'Too many failures; see Retry-After' } },
  { method: 'get', path: '/api/auth/session', tag: 'Accounts', summary: 'The logged-in user', who: 'user', ok: [200, 'The user', R.SessionResponse] },
  { method: 'post', path: '/api/auth/logout', tag: 'Accounts', summary: 'Log out: the token is refused afterwards', who: 'user', ok: [200, 'Logged out', z.object({ ok: z.boolean() })] },
  { method: 'get', path: '/api/account', tag: 'Accounts', summary: 'Your account, with the email switch', who: 'user', ok: [200, 'The account', z.object({ user: R.AccountResponse })] },
  { method: 'patch', path: '/api/account', tag: 'Accounts', summary: 'Change your email address, email switch (reminders, nudges, reports) or password (send currentPassword with it)', who: 'user', body: AccountPatchSchema, ok: [200, 'The account', z.object({ user: R.AccountResponse })], errors: { 400: 'Invalid input, or the current password is not right (data.issues on currentPassword)', 409: 'That email address is already registered' } },
  { method: 'get', path: '/api/unsubscribe', tag: 'Accounts', summary: 'What an unsubscribe link (signed token from a reminder or report) will do; no login', who: 'anyone', query: UnsubscribeQuerySchema, ok: [200, 'The masked address and whether it receives reminders and reports', R.UnsubscribeResponse.extend({ action: z.string() })], errors: { 400: 'The token is malformed, altered or for a deleted account' } },
  { method: 'post', path: '/api/unsubscribe', tag: 'Accounts', summary: 'Stop reminders, nudges and reports (idempotent; accepts the RFC 8058 one-click body List-Unsubscribe=One-Click); no login', who: 'anyone', query: UnsubscribeQuerySchema, ok: [200, 'Unsubscribed', R.UnsubscribeResponse], errors: { 400: 'The token is malformed, altered or for a deleted account' } },
  { method: 'get', path: '/api/users', tag: 'Users', summary: 'Users, newest first', who: 'admin', query: UserListQuerySchema, ok: [200, 'A page of users', R.pageOf(R.UserResponse)] },
  { method: 'post', path: '/api/users/{id}/approve', tag: 'Users', summary: 'Approve a user', who: 'admin', ok: [200, 'The approved user', z.object({ user: R.UserResponse })], errors: { 404: 'No such user' } },
  { method: 'delete', path: '/api/users/{id}', tag: 'Users', summary: 'Delete (reject) a user; their bookings are released', who: 'admin', ok: [204, 'Deleted'], errors: { 404: 'No such user', 409: 'You cannot delete yourself' } },
  { method: 'get', path: '/api/venues', tag: 'Venues', summary: 'Venues by name', who: 'anyone', query: VenueListQuerySchema, ok: [200, 'A page of venues', R.pageOf(R.VenueResponse)] },
  { method: 'post', path: '/api/venues', tag: 'Venues', summary: 'Create a venue', who: 'admin', body: VenueCreateSchema, ok: [201, 'The venue', R.VenueResponse], errors: { 400: 'Invalid input' } },
  { method: 'get', path: '/api/venues/{id}', tag: 'Venues', summary: 'One venue', who: 'anyone', ok: [200, 'The venue', R.VenueResponse], errors: { 404: 'No such venue' } },
  { method: 'patch', path: '/api/venues/{id}', tag: 'Venues', summary: 'Change a venue', who: 'admin', body: VenuePatchSchema, ok: [200, 'The venue', R.VenueResponse], errors: { 404: 'No such venue', 409: 'It would drop seats already sold' } },
  { method: 'delete', path: '/api/venues/{id}', tag: 'Venues', summary: 'Delete a venue and its screenings', who: 'admin', ok: [204, 'Deleted'], errors: { 404: 'No such venue', 409: 'It has confirmed bookings' } },
  { method: 'get', path: '/api/shows', tag: 'Shows', summary: 'Shows with upcoming screenings, filtered; `all=true` (admins) lists every show', who: 'anyone', query: ShowListQuerySchema, ok: [200, 'A page of shows', R.pageOf(R.ShowListItemResponse)] },
  { method: 'post', path: '/api/shows', tag: 'Shows', summary: 'Create a show', who: 'admin', body: ShowCreateSchema, ok: [201, 'The show', R.ShowResponse] },
  { method: 'get', path: '/api/shows/{id}', tag: 'Shows', summary: 'A show with its upcoming screenings', who: 'anyone', ok: [200, 'The show', R.ShowDetailResponse], errors: { 404: 'No such show' } },
  { method: 'patch', path: '/api/shows/{id}', tag: 'Shows', summary: 'Change a show (tags replace the old ones)', who: 'admin', body: ShowPatchSchema, ok: [200, 'The show', R.ShowResponse], errors: { 404: 'No such show', 409: 'A longer duration would overlap the next screening at a venue' } },
  { method: 'delete', path: '/api/shows/{id}', tag: 'Shows', summary: 'Delete a show and its screenings', who: 'admin', ok: [204, 'Deleted'], errors: { 404: 'No such show', 409: 'It has confirmed bookings' } },
  { method: 'put', path: '/api/shows/{id}/poster', tag: 'Shows', summary: 'Upload a poster (JPEG, PNG or WebP, at most 5 MB)', who: 'admin', multipart: { poster: 'The image file' }, ok: [200, 'The show with its posterUrl', R.ShowResponse], errors: { 404: 'No such show', 411: 'No Content-Length', 413: 'Larger than 5 MB', 415: 'Not a JPEG, PNG or WebP image' } },
  { method: 'get', path: '/api/screenings', tag: 'Screenings', summary: 'Screenings, soonest first: upcoming only, except for admins (everything, or from the date they give)', who: 'anyone', query: ScreeningListQuerySchema, ok: [200, 'A page of screenings', R.pageOf(R.ScreeningResponse)] },
  { method: 'post', path: '/api/screenings', tag: 'Screenings', summary: 'Schedule a show at a venue', who: 'admin', body: ScreeningCreateSchema, ok: [201, 'The screening', R.ScreeningResponse], errors: { 400: 'Invalid input or in the past', 409: 'Overlaps another screening at the venue' } },
  { method: 'get', path: '/api/screenings/{id}', tag: 'Screenings', summary: 'A screening with its seat map', who: 'anyone', ok: [200, 'The screening', R.ScreeningDetailResponse], errors: { 404: 'No such screening' } },
  { method: 'patch', path: '/api/screenings/{id}', tag: 'Screenings', summary: 'Move or reprice a screening', who: 'admin', body: ScreeningPatchSchema, ok: [200, 'The screening', R.ScreeningResponse], errors: { 400: 'Invalid input, in the past or already started', 404: 'No such screening', 409: 'Overlaps another screening' } },
  { method: 'delete', path: '/api/screenings/{id}', tag: 'Screenings', summary: 'Cancel a screening; its bookings are cancelled', who: 'admin', ok: [204, 'Cancelled'], errors: { 404: 'No such screening' } },
  { method: 'get', path: '/api/bookings', tag: 'Bookings', summary: 'Your bookings, newest first', who: 'approved user', query: BookingListQuerySchema, ok: [200, 'A page of bookings', R.pageOf(R.BookingResponse)] },
  { method: 'post', path: '/api/bookings', tag: 'Bookings', summary: 'Book seats: `quantity` picks the best free seats, `seats` books exactly those (1–10)', who: 'approved user', body: BookingCreateSchema, ok: [201, 'The booking', R.BookingResponse], errors: { 404: 'No such screening', 409: 'The seats cannot be had (data.seatsLeft; data.taken names seats someone else booked), or the screening has started' } },
  { method: 'get', path: '/api/bookings/{id}', tag: 'Bookings', summary: 'One of your bookings', who: 'approved user', ok: [200, 'The booking', R.BookingResponse], errors: { 404: 'No such booking of yours' } },
  { method: 'patch', path: '/api/bookings/{id}', tag: 'Bookings', summary: 'Change the quantity or the seats, atomically (the old seats are kept if the new ones cannot be had)', who: 'approved user', body: BookingPatchSchema, ok: [200, 'The booking', R.BookingResponse], errors: { 404: 'No such booking of yours', 409: 'The seats cannot be had, the booking is cancelled, or the screening has started' } },
  { method: 'delete', path: '/api/bookings/{id}', tag: 'Bookings', summary: 'Cancel a booking (frees its seats once, however often it is called)', who: 'approved user', ok: [200, 'The cancelled booking', R.BookingResponse], errors: { 404: 'No such booking of yours', 409: 'The screening has started' } },
  { method: 'get', path: '/api/bookings/export.csv', tag: 'Bookings', summary: 'Your bookings as a CSV download (formula-escaped)', who: 'approved user', ok: [200, 'text/csv attachment'] },
  { method: 'get', path: '/api/bookings/{id}/ticket.ics', tag: 'Bookings', summary: 'A calendar event for the booking', who: 'approved user', ok: [200, 'text/calendar attachment'], errors: { 404: 'No such booking of yours' } },
  { method: 'get', path: '/api/screenings/{id}/bookings', tag: 'Screenings', summary: 'Who booked which seats', who: 'admin', ok: [200, 'The bookings, newest first', R.pageOf(R.ScreeningBookingResponse)], errors: { 404: 'No such screening' } },
  { method: 'get', path: '/api/admin/stats', tag: 'Admin', summary: 'Sales at a glance: tickets per day (30 days), revenue and occupancy per show, pending users', who: 'admin', ok: [200, 'The figures', R.StatsResponse] },
  { method: 'get', path: '/api/admin/outbox', tag: 'Admin', summary: 'The email outbox, newest first: filter by status, search recipient and subject', who: 'admin', query: OutboxListQuerySchema, ok: [200, 'A page of emails', R.pageOf(OutboxItemResponse)] },
  { method: 'get', path: '/api/admin/outbox/{id}', tag: 'Admin', summary: 'One email in full: HTML, plain text, headers and its attachments (name, type, size)', who: 'admin', ok: [200, 'The email', OutboxDetailResponse], errors: { 404: 'No such email' } },
  { method: 'get', path: '/api/search', tag: 'Search', summary: 'Top shows and venues for the header search', who: 'anyone', query: SearchQuerySchema, ok: [200, 'Matches', R.SearchResponse] },
  { method: 'get', path: '/api/filters', tag: 'Search', summary: 'Cities and tags to filter by', who: 'anyone', ok: [200, 'Filters', R.FiltersResponse] },
  { method: 'get', path: '/api/admin/tasks', tag: 'Admin', summary: 'The tasks with their schedule and last run', who: 'admin', ok: [200, 'Every task', R.TaskListResponse] },
  { method: 'post', path: '/api/admin/tasks/{name}', tag: 'Admin', summary: 'Run a task now (reminders:daily, reports:monthly, mail:flush, db:seed); it acts whatever the schedule or NUXT_SCHEDULER say, and the run is recorded', who: 'admin', ok: [200, 'What the task returned', z.object({ result: z.unknown() })], errors: { 404: 'No such task' } },
  { method: 'get', path: '/api/health', tag: 'Operations', summary: 'Whether the database answers', who: 'anyone', ok: [200, 'Healthy', z.object({ status: z.literal('ok') })], errors: { 503: 'The database does not answer' } },
  { method: 'get', path: '/api/openapi.json', tag: 'Operations', summary: 'This document', who: 'anyone', ok: [200, 'OpenAPI 3.1'] },
]

const json = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>
const out = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as Record<string, unknown>

/** The OpenAPI 3.1 document of the API. */
export function buildOpenApi(siteUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const op of operations) {
    const parameters: unknown[] = []
    for (const [name] of op.path.matchAll(/\{(\w+)\}/g)) {
      const param = name.slice(1, -1)
      parameters.push({ name: param, in: 'path', required: true, schema: param === 'id' ? json(IdParamSchema.shape.id) : { type: 'string' } })
    }
    for (const [name, schema] of Object.entries(op.query?.shape ?? {}))
      parameters.push({ name, in: 'query', required: false, schema: json(schema as z.ZodType) })
    const responses: Record<string, unknown> = {
      [op.ok[0]]: { description: op.ok[1], ...(op.ok[2] && { content: { 'application/json': { schema: out(op.ok[2]) } } }) },
    }
    const errors: Record<number, string> = {}
    if (op.body || op.query || op.path.includes('{id}')) errors[400] = 'Invalid input: data.issues lists each problem'
    Object.assign(errors, op.errors)
    if (op.who !== 'anyone') errors[401] ??= 'No valid bearer token'
    if (op.who === 'admin' || op.who === 'approved user') errors[403] ??= op.who === 'admin' ? 'Not an admin' : 'Not approved yet'
    for (const [code, description] of Object.entries(errors))
      responses[code] = { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }
    paths[op.path] ??= {}
    paths[op.path]![op.method] = {
      summary: op.summary,
      tags: [op.tag],
      ...(op.who !== 'anyone' && { security: [{ bearer: [] }], description: `For: ${op.who}.` }),
      ...(parameters.length && { parameters }),
      ...(op.body && { requestBody: { required: true, content: { 'application/json': { schema: json(op.body) } } } }),
      ...(op.multipart && { requestBody: { required: true, content: { 'multipart/form-data': { schema: { type: 'object', required: Object.keys(op.multipart), properties: Object.fromEntries(Object.entries(op.multipart).map(([k, d]) => [k, { type: 'string', format: 'binary', description: d }])) } } } } }),
      responses,
    }
  }
  return {
    openapi: '3.1.0',
    info: { title: 'TicketShow API', version: '1', description: 'JSON in and out; times are ISO 8601 UTC; money is integer minor units. Collections answer { items, total, page, pageSize }.' },
    servers: [{ url: siteUrl }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Error: out(R.ErrorResponse) },
    },
    paths,
  }
}
