import type { HallLayout, SeatAccess } from '../layout'

export type Role = 'user' | 'staff' | 'admin'

export interface User {
  id: number
  username: string
  email: string
  role: Role
  approved: boolean
  createdAt: string
}

/** One's own account (GET/PATCH /api/account). */
export interface Account extends User {
  emailOptIn: boolean
}

export interface SessionUser {
  id: number
  username: string
  email: string
  role: Role
  approved: boolean
}

export interface Page<T> {
  items: T[]
  total: number
  page: number
  pageSize: number
}

export interface Venue {
  id: number
  name: string
  place: string
  capacity: number
  seatsPerRow: number
  timezone: string
  createdAt: string
}

/** GET /api/venues/{id}: a venue with its hall. */
export interface VenueDetail extends Venue {
  layout: HallLayout
}

export interface Show {
  id: number
  name: string
  description: string
  rating: number | null
  tags: string[]
  ticketPrice: number
  durationMinutes: number
  posterUrl: string | null
  posterThumbUrl: string | null
  createdAt: string
}

export interface VenueRef {
  id: number
  name: string
  place: string
  timezone: string
}

export interface ShowListItem extends Show {
  nextScreening: { id: number, startsAt: string, venue: VenueRef } | null
}

/** How full a showtime is: filling fast at 20% of its seats left or 10 seats (whichever is more), sold out at none. */
export type Availability = 'available' | 'filling-fast' | 'sold-out'

/** The cheapest and the dearest seat of a screening, in minor units. */
export interface PriceRange {
  min: number
  max: number
}

export interface ShowScreening {
  id: number
  venue: VenueRef
  startsAt: string
  price: number
  /** across the seat categories of the venue's hall */
  priceRange: PriceRange
  seatsLeft: number
  availability: Availability
}

export interface ShowDetail extends Show {
  screenings: ShowScreening[]
}

export interface Screening {
  id: number
  startsAt: string
  endsAt: string
  price: number
  /** prices set per seat category (minor units); a category left out costs `price` */
  prices: Record<string, number>
  /** across the seat categories of the venue's hall */
  priceRange: PriceRange
  capacity: number
  seatsLeft: number
  availability: Availability
  show: { id: number, name: string, posterUrl: string | null, durationMinutes: number }
  venue: VenueRef & { seatsPerRow: number }
}

export interface Seat {
  label: string
  category: string
  access?: SeatAccess
  taken: boolean
  /** held by someone else choosing it now (or, in `mine`, by you) */
  held: boolean
}

export interface ScreeningCategory {
  id: string
  name: string
  price: number
  seatsLeft: number
}

export type ScreeningPlace = Seat | { gap: true }

export interface ScreeningDetail extends Screening {
  categories: ScreeningCategory[]
  /** front row first, each row's places left to right, aisles as gaps */
  rows: { label: string, places: ScreeningPlace[] }[]
  /** every seat, row by row */
  seats: Seat[]
}

export interface SearchResult {
  shows: ShowListItem[]
  venues: Venue[]
}

/** One seat of a booking: its category and price as sold. */
export interface BookingLine {
  seat: string
  category: string
  categoryName: string
  price: number
}

export interface Booking {
  id: number
  reference: string
  status: 'confirmed' | 'cancelled'
  quantity: number
  seats: string[]
  /** each seat's category and price, in the order of `seats` */
  lines: BookingLine[]
  /** the price per seat; with seats of different prices, their average (lines has each) */
  unitPrice: number
  total: number
  createdAt: string
  updatedAt: string
  screening: {
    id: number
    startsAt: string
    show: { id: number, name: string, posterUrl: string | null }
    venue: { id: number, name: string, place: string, timezone: string }
  }
  /** the owner's views only: the signed secret the ticket's QR code encodes (issue 15) */
  ticketCode?: string
}

export interface ScreeningBooking {
  id: number
  reference: string
  status: 'confirmed' | 'cancelled'
  quantity: number
  seats: string[]
  total: number
  createdAt: string
  user: { id: number, username: string, email: string }
}

/** A booking as the door sees it (POST /api/checkin). */
export interface CheckinBooking {
  id: number
  reference: string
  status: 'confirmed' | 'cancelled'
  quantity: number
  holder: string
  screening: {
    id: number
    startsAt: string
    show: { id: number, name: string }
    venue: { id: number, name: string, place: string, timezone: string }
  }
}

/** POST /api/checkin, 200: the ticket is let in. */
export interface CheckinResult {
  booking: CheckinBooking
  seats: string[]
  checkedInAt: string
}

/** GET /api/checkin/screenings: one of today's screenings at the door. */
export interface CheckinScreening {
  id: number
  startsAt: string
  show: { id: number, name: string }
  venue: { id: number, name: string, place: string, timezone: string }
  /** seats of confirmed bookings */
  expected: number
  /** seats of the confirmed bookings let in */
  checkedIn: number
}

/** One's own place on a screening's waiting list (GET /api/waitlist, POST /api/screenings/{id}/waitlist). */
export interface WaitlistEntry {
  id: number
  /** waiting: in the queue; offered: seats are held for them until `offer.expiresAt` */
  status: 'waiting' | 'offered'
  quantity: number
  /** the category asked for (its id and name), or null for any seats */
  category: string | null
  categoryName: string | null
  /** 1 for the first person waiting; null once offered */
  position: number | null
  createdAt: string
  offer: { seats: string[], expiresAt: string } | null
  screening: {
    id: number
    startsAt: string
    show: { id: number, name: string }
    venue: { id: number, name: string, place: string, timezone: string }
  }
}

/** A screening's waiting list as admins see it (GET /api/screenings/{id}/waitlist). */
export interface ScreeningWaitlist {
  screeningId: number
  /** people waiting (not yet offered) */
  size: number
  /** seats they want between them */
  seatsWanted: number
  /** offers open now */
  offered: number
  /** when the person who has waited longest joined, or null */
  oldest: string | null
  entries: Array<{
    id: number
    status: 'waiting' | 'offered'
    quantity: number
    category: string | null
    createdAt: string
    offerExpiresAt: string | null
    offeredSeats: string[]
    user: { id: number, username: string }
  }>
}
