export type Role = 'user' | 'admin'

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

export interface ShowScreening {
  id: number
  venue: VenueRef
  startsAt: string
  price: number
  seatsLeft: number
}

export interface ShowDetail extends Show {
  screenings: ShowScreening[]
}

export interface Screening {
  id: number
  startsAt: string
  endsAt: string
  price: number
  capacity: number
  seatsLeft: number
  show: { id: number, name: string, posterUrl: string | null, durationMinutes: number }
  venue: VenueRef & { seatsPerRow: number }
}

export interface Seat {
  label: string
  taken: boolean
}

export interface ScreeningDetail extends Screening {
  seats: Seat[]
}

export interface SearchResult {
  shows: ShowListItem[]
  venues: Venue[]
}

export interface Booking {
  id: number
  reference: string
  status: 'confirmed' | 'cancelled'
  quantity: number
  seats: string[]
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
