import { createApprovedUser } from '../helpers/server'
import { describe, expect, it, logInThroughForm, open, uniqueName, visible } from '../helpers/browser-fixture'
import { venueDateTime } from '#shared/format'
import type { Booking } from '#shared/types/api'

// Moving a booking to another showtime in a real Chromium against the built server: from
// the booking page, through the show's other showtimes, to the seat picker in move mode
// and back to the booking at its new time.

const DAY = 86_400_000
const TZ = 'Asia/Kolkata'

describe('moving a booking to another time', () => {
  it('a member moves their booking from its page to another showtime and sees it there', { timeout: 90_000 }, async ({ server, adminToken, newPage }) => {
    const venue = await server.request('POST', '/api/venues', { token: adminToken, body: { name: uniqueName('Hall '), place: 'Pune', capacity: 40, seatsPerRow: 8, timezone: TZ } })
    const show = await server.request('POST', '/api/shows', { token: adminToken, body: { name: uniqueName('Film '), tags: [], ticketPrice: 25_000, durationMinutes: 100 } })
    const times = [3, 4].map((d) => {
      const at = new Date(Date.now() + d * DAY)
      at.setUTCHours(13, 30, 0, 0)
      return at.toISOString()
    })
    const ids: number[] = []
    for (const startsAt of times) {
      const res = await server.request('POST', '/api/screenings', { token: adminToken, body: { showId: show.body.id, venueId: venue.body.id, startsAt } })
      expect(res.status).toBe(201)
      ids.push(res.body.id)
    }
    const member = await createApprovedUser(server, adminToken)
    const booked = await server.request<Booking>('POST', '/api/bookings', { token: member.token, body: { screeningId: ids[0], seats: ['A1', 'A2'] } })
    expect(booked.status).toBe(201)

    const page = await newPage()
    await logInThroughForm(page, member.username, member.password)
    await open(page, `/bookings/${booked.body.id}`)
    await page.getByRole('button', { name: 'Move to another time' }).click()
    const later = venueDateTime(times[1]!, TZ)
    await page.getByRole('link', { name: new RegExp(`^Move to ${later.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} at `) }).click()
    await page.waitForURL(`**/screenings/${ids[1]}?move=${booked.body.id}*`)
    await visible(page.getByText(`Moving booking ${booked.body.reference}`))

    // "How many seats?" starts at the booking's two.
    const start = page.getByRole('form', { name: 'How many seats?' })
    await expect.poll(() => start.getByRole('radio', { name: '2' }).isChecked(), { timeout: 10_000 }).toBe(true)
    await start.getByRole('button', { name: 'Find seats' }).click()
    await expect.poll(() => page.getByTestId('summary-count').textContent(), { timeout: 10_000 }).toBe('2 seats')
    const seats = (await page.getByTestId('summary-seats').textContent())!.trim()

    await page.getByRole('button', { name: 'Move booking' }).click()
    await page.waitForURL(`**/bookings/${booked.body.id}`)
    await visible(page.getByText('Booking moved', { exact: true }))
    await expect.poll(() => page.getByTestId('booking-seats').textContent()).toBe(seats)
    await visible(page.getByText(later))
    expect(await page.getByTestId('booking-reference').textContent()).toBe(booked.body.reference)

    const now = (await server.request<Booking>('GET', `/api/bookings/${booked.body.id}`, { token: member.token })).body
    expect(now.screening.id).toBe(ids[1])
    expect(now.seats.join(', ')).toBe(seats)
  })
})
