import { z } from 'zod'
import { IdSchema } from '#shared/schemas/common'
import { AccountCloseSchema, AccountPatchSchema, LoginSchema, RegisterSchema, UnsubscribeQuerySchema, UserDeleteQuerySchema, UserListQuerySchema, UserRoleSchema } from '#shared/schemas/account'
import { CheckinSchema } from '#shared/schemas/checkin'
import { ScreeningCreateSchema, ScreeningListQuerySchema, ScreeningPatchSchema, SearchQuerySchema, ShowCreateSchema, ShowListQuerySchema, ShowPatchSchema, LayoutSchema, VenueCreateSchema, VenueListQuerySchema, VenuePatchSchema } from '#shared/schemas/catalog'
import { BookingCreateSchema, BookingListQuerySchema, BookingMoveSchema, BookingPatchSchema, HoldSchema, WaitlistJoinSchema } from '#shared/schemas/booking'
import * as R from '#shared/schemas/responses'
import { OutboxDetailResponse, OutboxItemResponse, OutboxListQuerySchema } from '#shared/schemas/outbox'
import { TASKS } from '../domain/tasks'
import { BROWSE_ROUTE } from './rate-limit'

/** Who may call an operation; `anyone+admin`: anyone, and an admin's token shows more. */
type Who = 'anyone' | 'anyone+admin' | 'user' | 'approved user' | 'staff' | 'admin' | 'cron' | 'metrics'

const CRON_METHODS = ['post', 'get'] as const

interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete'
  path: string
  /** stable camelCase name, for generated clients */
  id: string
  summary: string
  description: string
  tag: Tag
  who: Who
  query?: z.ZodObject
  body?: z.ZodType
  multipart?: Record<string, string>
  ok: [number, string, z.ZodType?]
  /** the success response's media type, when not JSON */
  okType?: string
  errors?: Record<number, string>
}

const TAGS = {
  Accounts: 'Registration, login and logout, and your own account',
  Users: 'The accounts an admin approves or rejects, and their roles',
  Checkin: 'Letting tickets in at the door (door staff and admins)',
  Venues: 'Places with a seat layout (rows of seats derived from capacity and seats per row)',
  Shows: 'What is on: name, rating, tags, price, duration and poster',
  Screenings: 'A show at a venue at a time, with its seat map',
  Bookings: 'Your seats for a screening: book, change, cancel, export',
  Waitlist: 'Waiting for seats at a sold-out screening, and the seats offered when they free up',
  Search: 'The header search and the filters of the home page',
  Admin: 'Sales figures, the email outbox and the scheduled tasks',
  Operations: 'Health checks and this document',
}
type Tag = keyof typeof TAGS

/** Every route of the HTTP contract, described by the same zod schemas the handlers use. */
export const operations: Operation[] = [
  { method: 'post', path: '/api/auth/register', id: 'register', tag: 'Accounts', summary: 'Register (an admin must approve the account)', description: 'Creates an account waiting for approval and emails the address that it was received. It cannot log in or book until an admin approves it.', who: 'anyone', body: RegisterSchema, ok: [201, 'The new account, waiting for approval', z.object({ user: R.UserResponse })], errors: { 409: 'Username or email taken (data.field names which: username or email)', 429: 'Too many registrations from your address' } },
  { method: 'post', path: '/api/auth/login', id: 'login', tag: 'Accounts', summary: 'Log in', description: 'Answers a bearer token for the other operations. Five failed attempts for a username from one address in fifteen minutes answer 429 until the time in Retry-After has passed.', who: 'anyone', body: LoginSchema, ok: [200, 'A bearer token', z.object({ token: z.string() })], errors: { 401: 'Wrong username or password', 403: 'Waiting for approval', 429: 'Too many failures for this username, or too many attempts from your address' } },
  { method: 'get', path: '/api/auth/session', id: 'getSession', tag: 'Accounts', summary: 'The logged-in user', description: 'The user the token belongs to, checked against the database on every call (approval, deletion and logout take effect at once).', who: 'user', ok: [200, 'The user', R.SessionResponse] },
  { method: 'post', path: '/api/auth/logout', id: 'logout', tag: 'Accounts', summary: 'Log out: the token is refused afterwards', description: 'Revokes the token the request is made with; other sessions stay.', who: 'user', ok: [200, 'Logged out', z.object({ ok: z.boolean() })] },
  { method: 'get', path: '/api/account', id: 'getAccount', tag: 'Accounts', summary: 'Your account, with the email switch', description: 'Your account as the account page shows it, with whether you receive reminders, nudges and monthly reports.', who: 'user', ok: [200, 'The account', z.object({ user: R.AccountResponse })] },
  { method: 'post', path: '/api/account/close', id: 'closeAccount', tag: 'Accounts', summary: 'Close your account', description: 'With your password. The same rules as an admin\'s deletion: upcoming bookings refuse it (409, `data.upcomingBookings`) unless `cancelBookings: true`; past bookings stay, anonymised. Every session ends. The only admin cannot close their account.', who: 'user', body: AccountCloseSchema, ok: [204, 'Closed'], errors: { 400: 'Invalid input, or the password is not right (data.issues on password)', 409: 'Upcoming bookings (data.upcomingBookings), or the only admin' } },
  { method: 'get', path: '/api/account/export', id: 'exportAccount', tag: 'Accounts', summary: 'Download everything TicketShow holds about you', description: 'Your account, every booking (confirmed or cancelled) and every email written to you, as a JSON attachment.', who: 'user', ok: [200, 'A JSON attachment', R.AccountExportResponse] },
  { method: 'patch', path: '/api/account', id: 'updateAccount', tag: 'Accounts', summary: 'Change your email address, email switch or password', description: 'A new password needs `currentPassword` with it, and ends every other session at once: the answer then carries a fresh `token` for this session, to use from now on.', who: 'user', body: AccountPatchSchema, ok: [200, 'The account (and a fresh token when the password changed)', R.AccountPatchResponse], errors: { 400: 'Invalid input, or the current password is not right (data.issues on currentPassword)', 409: 'That email address is already registered' } },
  { method: 'get', path: '/api/unsubscribe', id: 'getUnsubscribe', tag: 'Accounts', summary: 'What an unsubscribe link will do', description: 'For the page an unsubscribe link opens: the masked address of the signed token (from a reminder or report) and whether it receives reminders and reports. No login: the token is the authorisation.', who: 'anyone', query: UnsubscribeQuerySchema, ok: [200, 'The masked address and whether it receives reminders and reports', R.UnsubscribeResponse.extend({ action: z.string() })], errors: { 400: 'The token is malformed, altered or for a deleted account' } },
  { method: 'post', path: '/api/unsubscribe', id: 'unsubscribe', tag: 'Accounts', summary: 'Stop reminders, nudges and reports', description: 'Idempotent. Accepts the RFC 8058 one-click body `List-Unsubscribe=One-Click` (the body is not read). No login: the signed token is the authorisation.', who: 'anyone', query: UnsubscribeQuerySchema, ok: [200, 'Unsubscribed', R.UnsubscribeResponse], errors: { 400: 'The token is malformed, altered or for a deleted account' } },
  { method: 'get', path: '/api/users', id: 'listUsers', tag: 'Users', summary: 'Users, newest first', description: 'Every account, or those waiting for approval (`status=pending`) or approved.', who: 'admin', query: UserListQuerySchema, ok: [200, 'A page of users', R.pageOf(R.UserResponse)] },
  { method: 'post', path: '/api/users/{id}/approve', id: 'approveUser', tag: 'Users', summary: 'Approve a user', description: 'The user may log in and book from now on, and is emailed so.', who: 'admin', ok: [200, 'The approved user', z.object({ user: R.UserResponse })], errors: { 404: 'No such user' } },
  { method: 'patch', path: '/api/users/{id}', id: 'setUserRole', tag: 'Users', summary: 'Give a user a role', description: '`staff` may check tickets in at the door (`/staff/checkin`) but not use the admin pages; `admin` may do everything; `user` books. Never your own role.', who: 'admin', body: UserRoleSchema, ok: [200, 'The user with the new role', z.object({ user: R.UserResponse })], errors: { 403: 'Not an admin, or your own role', 404: 'No such user' } },
  { method: 'delete', path: '/api/users/{id}', id: 'deleteUser', tag: 'Users', summary: 'Delete (reject) a user', description: 'Ends the account and its sessions. Upcoming confirmed bookings refuse it (409, `data.upcomingBookings`) unless `cancelBookings=true`, which cancels them in the same transaction, each with its cancellation email. Past bookings stay, anonymised (the name and email gone; seats, prices and dates kept), so sales figures do not change; someone with no booking at all is deleted outright.', who: 'admin', query: UserDeleteQuerySchema, ok: [204, 'Deleted'], errors: { 404: 'No such user', 409: 'Upcoming bookings (data.upcomingBookings), or yourself' } },
  { method: 'get', path: '/api/venues', id: 'listVenues', tag: 'Venues', summary: 'Venues by name', description: 'Venues in alphabetical order, by name (`q`) and city (`city`).', who: 'anyone', query: VenueListQuerySchema, ok: [200, 'A page of venues', R.pageOf(R.VenueResponse)] },
  { method: 'post', path: '/api/venues', id: 'createVenue', tag: 'Venues', summary: 'Create a venue', description: 'The seat layout follows from capacity and seats per row (rows A, B, … AA, AB, …); the timezone defaults to the server\'s.', who: 'admin', body: VenueCreateSchema, ok: [201, 'The venue', R.VenueDetailResponse] },
  { method: 'get', path: '/api/venues/{id}', id: 'getVenue', tag: 'Venues', summary: 'One venue', description: 'A venue with its hall: seat categories, and rows of seats and aisles.', who: 'anyone', ok: [200, 'The venue', R.VenueDetailResponse], errors: { 404: 'No such venue' } },
  { method: 'patch', path: '/api/venues/{id}', id: 'updateVenue', tag: 'Venues', summary: 'Change a venue', description: 'Changes only the fields sent. A smaller layout may not drop seats already sold for an upcoming screening.', who: 'admin', body: VenuePatchSchema, ok: [200, 'The venue', R.VenueDetailResponse], errors: { 404: 'No such venue', 409: 'It would drop seats already sold' } },
  { method: 'put', path: '/api/venues/{id}/layout', id: 'setVenueLayout', tag: 'Venues', summary: 'Draw a venue\'s hall', description: 'Seat categories and rows, each a label and its places left to right: a seat `{seat, category, access?}` (`access`: `wheelchair` or `companion`) or an aisle `{gap: true}`. Seat labels are row + number (`C7`); the capacity becomes the number of seats. Refused (409, `data.seats`) when a seat sold for an upcoming screening would disappear; a sold seat that changes category keeps the price it was sold at.', who: 'admin', body: LayoutSchema, ok: [200, 'The venue with its new hall', R.VenueDetailResponse], errors: { 404: 'No such venue', 409: 'It would drop seats already sold' } },
  { method: 'delete', path: '/api/venues/{id}', id: 'deleteVenue', tag: 'Venues', summary: 'Delete a venue and its screenings', description: 'Refused while any of its screenings has confirmed bookings.', who: 'admin', ok: [204, 'Deleted'], errors: { 404: 'No such venue', 409: 'It has confirmed bookings' } },
  { method: 'get', path: '/api/shows', id: 'listShows', tag: 'Shows', summary: 'Shows with upcoming screenings, filtered', description: 'Shows with an upcoming screening, soonest first, by text, tag, city, date (in the venue\'s timezone) and minimum rating. `all=true` lists every show, also those with nothing scheduled, and needs an admin\'s token.', who: 'anyone+admin', query: ShowListQuerySchema, ok: [200, 'A page of shows', R.pageOf(R.ShowListItemResponse)], errors: { 401: '`all=true` without a valid bearer token', 403: '`all=true` from someone who is not an admin' } },
  { method: 'post', path: '/api/shows', id: 'createShow', tag: 'Shows', summary: 'Create a show', description: 'A show is listed once it has an upcoming screening; its poster is uploaded separately.', who: 'admin', body: ShowCreateSchema, ok: [201, 'The show', R.ShowResponse] },
  { method: 'get', path: '/api/shows/{id}', id: 'getShow', tag: 'Shows', summary: 'A show with its upcoming screenings', description: 'The show and each upcoming screening with its venue, its base `price`, its `priceRange` (the cheapest and the dearest seat across the seat categories of the venue\'s hall), the seats left and its `availability`: `sold-out` at none left, `filling-fast` at 20% of its capacity or 10 seats left (whichever is more, but at most half the hall), `available` otherwise. Cached for up to 5 seconds.', who: 'anyone', ok: [200, 'The show', R.ShowDetailResponse], errors: { 404: 'No such show' } },
  { method: 'patch', path: '/api/shows/{id}', id: 'updateShow', tag: 'Shows', summary: 'Change a show', description: 'Changes only the fields sent; tags sent replace the old ones.', who: 'admin', body: ShowPatchSchema, ok: [200, 'The show', R.ShowResponse], errors: { 404: 'No such show', 409: 'A longer duration would overlap the next screening at a venue' } },
  { method: 'delete', path: '/api/shows/{id}', id: 'deleteShow', tag: 'Shows', summary: 'Delete a show and its screenings', description: 'Refused while any of its screenings has confirmed bookings; its poster files go too.', who: 'admin', ok: [204, 'Deleted'], errors: { 404: 'No such show', 409: 'It has confirmed bookings' } },
  { method: 'put', path: '/api/shows/{id}/poster', id: 'uploadShowPoster', tag: 'Shows', summary: 'Upload a poster', description: 'A JPEG, PNG or WebP image of at most 5 MB, decoded and re-encoded as WebP in two sizes; it replaces the old poster.', who: 'admin', multipart: { poster: 'The image file' }, ok: [200, 'The show with its posterUrl', R.ShowResponse], errors: { 400: 'No multipart field "poster" with a file', 404: 'No such show', 411: 'No Content-Length', 413: 'Larger than 5 MB', 415: 'Not a JPEG, PNG or WebP image', 429: 'Too many poster uploads' } },
  { method: 'get', path: '/api/screenings', id: 'listScreenings', tag: 'Screenings', summary: 'Screenings, soonest first', description: 'Upcoming screenings, by show, venue and time range, each with its `priceRange` across the seat categories of the venue\'s hall and its `availability` (as on a show). An admin\'s token also shows past ones (everything, or from the `from` given).', who: 'anyone+admin', query: ScreeningListQuerySchema, ok: [200, 'A page of screenings', R.pageOf(R.ScreeningResponse)] },
  { method: 'post', path: '/api/screenings', id: 'createScreening', tag: 'Screenings', summary: 'Schedule a show at a venue', description: 'It must start in the future and may not overlap another screening at the venue (the show\'s duration plus 15 minutes of turnover). The price defaults to the show\'s; `prices` sets a price per seat category of the venue\'s hall (the others cost `price`).', who: 'admin', body: ScreeningCreateSchema, ok: [201, 'The screening', R.ScreeningResponse], errors: { 400: 'Invalid input or in the past', 404: 'No such show or venue', 409: 'Overlaps another screening at the venue' } },
  { method: 'get', path: '/api/screenings/{id}', id: 'getScreening', tag: 'Screenings', summary: 'A screening with its seat map', description: 'Its seat categories with their prices and seats left, and its rows with their aisles (gaps): each seat with its category, `access` (wheelchair space or companion seat), `taken` (booked) and `held` (held by someone choosing it), as of now (never cached).', who: 'anyone', ok: [200, 'The screening', R.ScreeningDetailResponse], errors: { 404: 'No such screening' } },
  { method: 'patch', path: '/api/screenings/{id}', id: 'updateScreening', tag: 'Screenings', summary: 'Move or reprice a screening', description: 'A screening that has started can no longer change; a new time must be in the future and overlap nothing.', who: 'admin', body: ScreeningPatchSchema, ok: [200, 'The screening', R.ScreeningResponse], errors: { 400: 'Invalid input, in the past or already started', 404: 'No such screening', 409: 'Overlaps another screening' } },
  { method: 'delete', path: '/api/screenings/{id}', id: 'cancelScreening', tag: 'Screenings', summary: 'Cancel a screening', description: 'Its bookings are cancelled and their owners emailed.', who: 'admin', ok: [204, 'Cancelled'], errors: { 404: 'No such screening' } },
  { method: 'get', path: '/api/bookings', id: 'listBookings', tag: 'Bookings', summary: 'Your bookings, newest first', description: 'By status (confirmed, cancelled) and time (upcoming, past).', who: 'approved user', query: BookingListQuerySchema, ok: [200, 'A page of bookings', R.pageOf(R.BookingResponse)] },
  { method: 'post', path: '/api/bookings', id: 'createBooking', tag: 'Bookings', summary: 'Book seats', description: '`quantity` picks the best free seats (together in one row, in one category and with no aisle between them, rows nearest the middle first; `category` keeps them in that category); `seats` books exactly those (1–10). All or nothing: a seat is never sold twice, and the confirmation is emailed.', who: 'approved user', body: BookingCreateSchema, ok: [201, 'The booking', R.BookingResponse], errors: { 404: 'No such screening', 409: 'The seats cannot be had (data.seatsLeft; data.taken names seats someone else booked), or the screening has started' } },
  { method: 'get', path: '/api/bookings/{id}', id: 'getBooking', tag: 'Bookings', summary: 'One of your bookings', description: 'A booking of someone else is not found.', who: 'approved user', ok: [200, 'The booking', R.BookingResponse], errors: { 404: 'No such booking of yours' } },
  { method: 'patch', path: '/api/bookings/{id}', id: 'updateBooking', tag: 'Bookings', summary: 'Change the quantity or the seats', description: 'Atomically: the old seats are kept if the new ones cannot be had.', who: 'approved user', body: BookingPatchSchema, ok: [200, 'The booking', R.BookingResponse], errors: { 404: 'No such booking of yours', 409: 'The seats cannot be had, the booking is cancelled, or the screening has started' } },
  { method: 'post', path: '/api/bookings/{id}/move', id: 'moveBooking', tag: 'Bookings', summary: 'Move a booking to another showtime', description: 'To another upcoming screening of the same show, keeping its id and reference: exactly `seats`, or the best `quantity` seats (default: as many as it has) of `category`, priced at the new screening. Atomically: the booking is either entirely at the new screening or entirely where it was; the old seats are freed once, and a "booking moved" email with the new calendar invite is sent.', who: 'approved user', body: BookingMoveSchema, ok: [200, 'The booking at its new screening', R.BookingResponse], errors: { 400: 'Invalid input, or the screening is of another show, the same one, or has started (either side)', 404: 'No such booking of yours, or no such screening', 409: 'The seats cannot be had (data.seatsLeft; data.taken names seats booked or held by someone else), or the booking is cancelled' } },
  { method: 'delete', path: '/api/bookings/{id}', id: 'cancelBooking', tag: 'Bookings', summary: 'Cancel a booking', description: 'Frees its seats once, however often it is called, and answers the cancelled booking.', who: 'approved user', ok: [200, 'The cancelled booking', R.BookingResponse], errors: { 404: 'No such booking of yours', 409: 'The screening has started' } },
  { method: 'get', path: '/api/bookings/export.csv', id: 'exportBookings', tag: 'Bookings', summary: 'Your bookings as a CSV download', description: 'Every booking of yours, one row each; cells that a spreadsheet would read as a formula are escaped.', who: 'approved user', ok: [200, 'A CSV attachment', z.string()], okType: 'text/csv' },
  { method: 'get', path: '/api/bookings/{id}/ticket.ics', id: 'getBookingCalendarEvent', tag: 'Bookings', summary: 'A calendar event for the booking', description: 'An iCalendar file with the screening\'s time, venue and seats.', who: 'approved user', ok: [200, 'An iCalendar attachment', z.string()], okType: 'text/calendar', errors: { 404: 'No such booking of yours' } },
  { method: 'get', path: '/api/screenings/{id}/bookings', id: 'listScreeningBookings', tag: 'Screenings', summary: 'Who booked which seats', description: 'Every booking of the screening, confirmed or cancelled, with its owner.', who: 'admin', ok: [200, 'The bookings, newest first', R.pageOf(R.ScreeningBookingResponse)], errors: { 404: 'No such screening' } },
  { method: 'put', path: '/api/screenings/{id}/hold', id: 'holdSeats', tag: 'Bookings', summary: 'Hold seats while choosing', description: 'Holds the seats for you for `NUXT_HOLD_MINUTES` (8) so nobody else can book or hold them; replaces your hold on this screening, and `{"seats": []}` lets it go. Changing the seats keeps the hold\'s expiry. Booking held seats yourself succeeds (and ends the hold); anyone else gets a 409. At most 10 seats, on at most 3 screenings at once; holds count against a rate limit.', who: 'approved user', body: HoldSchema, ok: [200, 'Your hold', R.HoldResponse], errors: { 404: 'No such screening', 409: 'A seat is booked or held by someone else (`data.taken`), the screening has started, or you hold seats for 3 other screenings' } },
  { method: 'post', path: '/api/screenings/{id}/waitlist', id: 'joinWaitlist', tag: 'Waitlist', summary: 'Join a screening\'s waiting list', description: 'For `quantity` seats (of `category`, or any), while fewer such seats are free than that (seats someone else holds count as taken). Whenever seats free up (a cancellation, a change, a move, a hold or offer that ran out, a bigger hall), the first people waiting whose request fits, in the order they joined, are offered the best such seats: held for them for `NUXT_OFFER_MINUTES` (30), shown held on the seat map, with an email linking to the screening with the seats chosen. Booking them is the usual `POST /api/bookings`; an offer that lapses goes to the next person. On at most 10 lists at once.', who: 'approved user', body: WaitlistJoinSchema, ok: [201, 'Your place on the list', R.WaitlistEntryResponse], errors: { 400: 'Invalid input, or no such seat category', 404: 'No such screening', 409: 'Enough such seats are free (data.seatsLeft): book them; you are on this list already (data.entryId); on 10 lists already; or the screening has started' } },
  { method: 'get', path: '/api/screenings/{id}/waitlist', id: 'getScreeningWaitlist', tag: 'Waitlist', summary: 'A screening\'s waiting list', description: 'Who is waiting, in order, and the offers open now, with the list\'s size and the oldest entry.', who: 'admin', ok: [200, 'The waiting list', R.ScreeningWaitlistResponse], errors: { 404: 'No such screening' } },
  { method: 'get', path: '/api/waitlist', id: 'listWaitlist', tag: 'Waitlist', summary: 'Your waiting lists', description: 'Your places on the waiting lists of screenings to come, soonest first: your position in each, or the seats offered to you and until when.', who: 'user', ok: [200, 'Your entries', R.pageOf(R.WaitlistEntryResponse)] },
  { method: 'delete', path: '/api/waitlist/{id}', id: 'leaveWaitlist', tag: 'Waitlist', summary: 'Leave a waiting list', description: 'Also declines an offer: its seats go to the next person waiting at once. Leaving an entry that has ended already changes nothing.', who: 'user', ok: [204, 'Left'], errors: { 404: 'No such entry of yours' } },
  { method: 'get', path: '/api/screenings/{id}/live', id: 'liveSeats', tag: 'Screenings', summary: 'The seat map, live (Server-Sent Events)', description: 'A `seats` event on connect, `{"taken": [...], "held": [...]}` as JSON, then a `change` event, `{"taken": [...], "freed": [...], "held": [...], "released": [...]}`, whenever a booking, change, cancellation or hold changes them, on any instance (PostgreSQL LISTEN/NOTIFY, or Redis pub/sub when configured). A `ping` event every 25 s keeps the connection from looking idle. Ends when the server stops; reconnect, or poll `GET /api/screenings/{id}` meanwhile.', who: 'anyone', ok: [200, 'An event stream', z.string()], okType: 'text/event-stream', errors: { 404: 'No such screening' } },
  { method: 'post', path: '/api/checkin', id: 'checkIn', tag: 'Checkin', summary: 'Let a ticket in at the door', description: 'By `code`, the signed string the ticket\'s QR code encodes (`ticketCode` of the owner\'s booking), or by the booking `reference` typed in by hand. A ticket goes in once: of any number of scans at once, on any instance, exactly one is answered 200. Counted against a rate limit per staff member (120 a minute).', who: 'staff', body: CheckinSchema, ok: [200, 'Admitted: the booking, its seats and when', R.CheckinResponse], errors: { 404: 'Unknown or forged code, or no booking with that reference', 409: 'Already checked in: data.checkedInAt and data.checkedInBy (username)', 410: 'The booking was cancelled', 422: 'The ticket is for another day\'s screening (in the venue\'s timezone): data.startsAt', 429: 'Too many check-ins' } },
  { method: 'get', path: '/api/checkin/screenings', id: 'listCheckinScreenings', tag: 'Checkin', summary: 'Today\'s screenings with who is in', description: 'Each screening of today (in its venue\'s timezone) with the seats booked (`expected`) and the seats let in (`checkedIn`), for the door\'s live count.', who: 'staff', ok: [200, 'Today\'s screenings, by start', R.pageOf(R.CheckinScreeningResponse)] },
  { method: 'get', path: '/api/admin/stats', id: 'getStats', tag: 'Admin', summary: 'Sales at a glance', description: 'Tickets and revenue per day (30 days), revenue and occupancy per show, and the users waiting for approval.', who: 'admin', ok: [200, 'The figures', R.StatsResponse] },
  { method: 'get', path: '/api/admin/outbox', id: 'listOutbox', tag: 'Admin', summary: 'The email outbox, newest first', description: 'Every email TicketShow wrote, by status, with a search in recipient and subject.', who: 'admin', query: OutboxListQuerySchema, ok: [200, 'A page of emails', R.pageOf(OutboxItemResponse)] },
  { method: 'get', path: '/api/admin/outbox/{id}', id: 'getOutboxEmail', tag: 'Admin', summary: 'One email in full', description: 'Its HTML, plain text, headers and attachments (name, type, size).', who: 'admin', ok: [200, 'The email', OutboxDetailResponse], errors: { 404: 'No such email' } },
  { method: 'get', path: '/api/search', id: 'search', tag: 'Search', summary: 'Top shows and venues for the header search', description: 'A few shows with upcoming screenings and a few venues matching the text.', who: 'anyone', query: SearchQuerySchema, ok: [200, 'Matches', R.SearchResponse] },
  { method: 'get', path: '/api/filters', id: 'getFilters', tag: 'Search', summary: 'Cities and tags to filter by', description: 'The cities with venues and the tags of shows with upcoming screenings, with how many shows carry each.', who: 'anyone', ok: [200, 'Filters', R.FiltersResponse] },
  { method: 'get', path: '/api/admin/tasks', id: 'listTasks', tag: 'Admin', summary: 'The tasks with their schedule and last run', description: 'Each scheduled task, when it acts, and its last recorded run.', who: 'admin', ok: [200, 'Every task', R.TaskListResponse] },
  { method: 'post', path: '/api/admin/tasks/{name}', id: 'runTask', tag: 'Admin', summary: 'Run a task now', description: 'Runs reminders:daily, reports:monthly, mail:flush, outbox:prune, waitlist:offers or db:seed at once, whatever the schedule or NUXT_SCHEDULER say; the run is recorded.', who: 'admin', ok: [200, 'What the task returned', z.object({ result: z.unknown() })], errors: { 404: 'No such task' } },
  { method: 'get', path: '/api/health', id: 'getHealth', tag: 'Operations', summary: 'Whether the server can answer', description: 'For load balancers: 200 while the database answers within two seconds (`status: degraded` while Redis is unreachable, when the database answers in its place), 503 while the server is starting or the database does not answer.', who: 'anyone', ok: [200, 'Healthy', R.HealthResponse] },
  { method: 'get', path: '/api/health/live', id: 'getLiveness', tag: 'Operations', summary: 'Whether the process answers at all', description: 'For an orchestrator\'s liveness probe: 200 whenever the process can answer, while starting, stopping or with its database gone. Touches neither the database nor Redis.', who: 'anyone', ok: [200, 'Alive', R.LiveResponse] },
  { method: 'get', path: '/api/health/ready', id: 'getReadiness', tag: 'Operations', summary: 'Whether this instance should get traffic', description: 'For a readiness probe: 200 once migrated, while not stopping, with the database answering within two seconds and, when NUXT_REDIS_URL is set, Redis answering a PING within one; 503 with Retry-After otherwise.', who: 'anyone', ok: [200, 'Ready', R.ReadyResponse] },
  ...CRON_METHODS.map(method => ({ method, path: '/api/cron/{task}', id: method === 'post' ? 'runCronTask' : 'runCronTaskVercel', tag: 'Operations', summary: method === 'post' ? 'A scheduled tick, from the platform\'s scheduler' : 'The same tick for Vercel Cron, which calls with GET', description: `For platforms without a process that stays up (Vercel, Netlify, AWS Lambda): the tick that node-server's own cron runner would give. Send \`Authorization: Bearer $NUXT_CRON_SECRET\`. A tick acts only when its moment has come (reminders:daily after NUXT_REMINDER_TIME, reports:monthly on the 1st), whatever NUXT_SCHEDULER says; ticks from two platforms at once still send each email once. Tasks: ${TASKS.filter(t => t.cron).map(t => t.name).join(', ')}.`, who: 'cron', ok: [200, 'What the tick did', R.CronResponse], errors: { 404: 'No such scheduled task' } } satisfies Operation)),
  { method: 'get', path: '/api/metrics', id: 'getMetrics', tag: 'Operations', summary: 'Prometheus metrics of this instance', description: 'Requests and latency by route, bookings, the outbox backlog, group-commit batch sizes and Node\'s process metrics, in the Prometheus text format. For a scraper with `Authorization: Bearer $NUXT_METRICS_TOKEN`, or an admin.', who: 'metrics', ok: [200, 'Prometheus text exposition format', z.string()], okType: 'text/plain' },
  { method: 'get', path: '/api/openapi.json', id: 'getOpenApi', tag: 'Operations', summary: 'This document', description: 'The OpenAPI 3.1 description of this API, generated from the schemas the server validates with.', who: 'anyone', ok: [200, 'OpenAPI 3.1', z.object({ openapi: z.string() }).loose()] },
]

const json = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>
const out = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as Record<string, unknown>

const error = (description: string, headers?: Record<string, unknown>) => ({
  description,
  ...(headers && { headers }),
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
})
const retryAfter = { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } }

const SECURITY: Record<Who, Array<Record<string, string[]>>> = {
  'anyone': [],
  // Either no token, or a bearer token (which unlocks more for an admin).
  'anyone+admin': [{}, { bearerAuth: [] }],
  'user': [{ bearerAuth: [] }],
  'approved user': [{ bearerAuth: [] }],
  'staff': [{ bearerAuth: [] }],
  'admin': [{ bearerAuth: [] }],
  'cron': [{ cronSecret: [] }],
  'metrics': [{ metricsToken: [] }, { bearerAuth: [] }],
}

function responsesOf(op: Operation): Record<string, unknown> {
  const [code, description, schema] = op.ok
  const type = op.okType ?? 'application/json'
  const responses: Record<string, unknown> = {
    [code]: { description, ...(schema && { content: { [type]: { schema: out(schema) } } }) },
  }
  if (op.path === '/api/health') {
    responses[503] = { description: 'Starting, stopping, or the database does not answer', content: { 'application/json': { schema: out(R.HealthUnavailableResponse) } } }
    return responses
  }
  if (op.path === '/api/health/live') return responses
  if (op.path === '/api/health/ready') {
    responses[503] = { description: 'Starting, stopping, or the database or Redis does not answer', headers: retryAfter, content: { 'application/json': { schema: out(R.ReadyResponse) } } }
    return responses
  }
  const errors: Record<number, string> = {}
  if (op.body || op.query || op.path.includes('{id}')) errors[400] = 'Invalid input: data.issues lists each problem'
  if (op.who === 'user' || op.who === 'approved user' || op.who === 'staff' || op.who === 'admin') errors[401] = 'No valid bearer token'
  if (op.who === 'cron') errors[401] = 'No NUXT_CRON_SECRET configured, or not the bearer token sent'
  if (op.who === 'metrics') Object.assign(errors, { 401: 'Neither NUXT_METRICS_TOKEN nor an admin\'s token', 403: 'Not an admin' })
  if (op.who === 'admin') errors[403] = 'Not an admin'
  if (op.who === 'staff') errors[403] = 'Neither door staff nor an admin'
  if (op.who === 'approved user') errors[403] = 'Not approved yet'
  // Limits before work (middleware/body-limit.ts): every request that may carry a body.
  if (op.method !== 'get') {
    errors[411] = 'The body was sent without a Content-Length (chunked)'
    errors[413] = 'The body is larger than 64 KB'
  }
  if (op.method === 'get' && BROWSE_ROUTE.test(op.path)) errors[429] = 'Too many catalogue reads from your address'
  Object.assign(errors, op.errors)
  for (const [status, text] of Object.entries(errors))
    responses[status] = error(text, status === '429' ? retryAfter : undefined)
  responses[503] = { $ref: '#/components/responses/Starting' }
  return responses
}

function parametersOf(op: Operation): unknown[] {
  const parameters: unknown[] = []
  for (const [, name] of op.path.matchAll(/\{(\w+)\}/g)) {
    const schema = name === 'id' ? json(IdSchema) : { type: 'string', enum: TASKS.map(t => t.name) }
    parameters.push({ name, in: 'path', required: true, description: name === 'id' ? 'The id (1…2^31−1); another whole number is not found' : 'The task', schema })
  }
  for (const [name, schema] of Object.entries(op.query?.shape ?? {}))
    parameters.push({ name, in: 'query', required: !(schema as z.ZodType).safeParse(undefined).success, schema: json(schema as z.ZodType) })
  return parameters
}

/** The OpenAPI 3.1 document of the API. */
export function buildOpenApi(siteUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const op of operations) {
    const parameters = parametersOf(op)
    paths[op.path] ??= {}
    paths[op.path]![op.method] = {
      operationId: op.id,
      summary: op.summary,
      description: op.who === 'anyone' || op.who === 'anyone+admin' ? op.description : `${op.description} For: ${op.who}.`,
      tags: [op.tag],
      security: SECURITY[op.who],
      ...(parameters.length && { parameters }),
      ...(op.body && { requestBody: { required: true, content: { 'application/json': { schema: json(op.body) } } } }),
      ...(op.multipart && { requestBody: { required: true, content: { 'multipart/form-data': { schema: { type: 'object', required: Object.keys(op.multipart), properties: Object.fromEntries(Object.entries(op.multipart).map(([k, d]) => [k, { type: 'string', format: 'binary', description: d }])) } } } } }),
      responses: responsesOf(op),
    }
  }
  const server = siteUrl.replace(/\/+$/, '')
  return {
    openapi: '3.1.0',
    info: {
      title: 'TicketShow API',
      version: '1',
      description: 'JSON in and out; times are ISO 8601 UTC; money is integer minor units. Collections answer { items, total, page, pageSize }. Every error answers { statusCode, statusMessage, message, data? }.',
      contact: { name: 'TicketShow', url: server },
      license: { name: 'Proprietary: all rights reserved', identifier: 'LicenseRef-TicketShow-Proprietary' },
    },
    servers: [{ url: server, description: 'This deployment (NUXT_PUBLIC_SITE_URL)' }],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The token from POST /api/auth/login, as `Authorization: Bearer <token>`' },
        cronSecret: { type: 'http', scheme: 'bearer', description: 'The deployment\'s NUXT_CRON_SECRET (or Vercel\'s CRON_SECRET), as `Authorization: Bearer <secret>`' },
        metricsToken: { type: 'http', scheme: 'bearer', description: 'The deployment\'s NUXT_METRICS_TOKEN, as `Authorization: Bearer <token>`' },
      },
      schemas: { Error: out(R.ErrorResponse) },
      headers: { RetryAfter: { description: 'Seconds to wait before trying again', schema: { type: 'integer', minimum: 1 } } },
      responses: { Starting: error('TicketShow is starting (migrating its database); try again after Retry-After seconds', retryAfter) },
    },
    paths,
  }
}
