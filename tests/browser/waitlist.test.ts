import { createApprovedUser } from '../helpers/server'
import { describe, expect, it, logInThroughForm, open, uniqueName, visible } from '../helpers/browser-fixture'
import type { Booking } from '#shared/types/api'

// The waiting list in a real Chromium against the built server: a member joins the list of
// a sold-out screening from its page, seats come free, and they book the seats held for
// them from the link in the offer email.

describe('the waiting list', () => {
  it('a member joins a sold-out screening\'s waiting list and books the seats offered from the email link', { timeout: 90_000 }, async ({ server, adminToken, newPage }) => {
    const venue = await server.request('POST', '/api/venues', { token: adminToken, body: { name: uniqueName('Hall '), place: 'Pune', capacity: 4, seatsPerRow: 4 } })
    const show = await server.request('POST', '/api/shows', { token: adminToken, body: { name: uniqueName('Film '), tags: [], ticketPrice: 20_000 } })
    const screening = await server.request('POST', '/api/screenings', { token: adminToken, body: { showId: show.body.id, venueId: venue.body.id, startsAt: new Date(Date.now() + 3 * 86_400_000).toISOString() } })
    const id: number = screening.body.id
    const owner = await createApprovedUser(server, adminToken)
    const sold = await server.request<Booking>('POST', '/api/bookings', { token: owner.token, body: { screeningId: id, seats: ['A1', 'A2', 'A3', 'A4'] } })
    expect(sold.status).toBe(201)
    const member = await createApprovedUser(server, adminToken)

    const page = await newPage()
    await logInThroughForm(page, member.username, member.password)
    await open(page, `/screenings/${id}`)
    await visible(page.getByText('This screening is sold out'))
    const panel = page.getByTestId('waitlist')
    await panel.getByLabel('Seats').selectOption('2')
    await panel.getByRole('button', { name: 'Join the waiting list' }).click()
    await expect.poll(() => page.getByTestId('waitlist-position').textContent(), { timeout: 10_000 }).toMatch(/Number 1 for 2 seats/)

    // Two seats come free: they are held for the member, who is emailed a link.
    expect((await server.request('PATCH', `/api/bookings/${sold.body.id}`, { token: owner.token, body: { seats: ['A1', 'A2'] } })).status).toBe(200)
    const outbox = await server.request('GET', `/api/admin/outbox?q=${encodeURIComponent(member.username)}`, { token: adminToken })
    const offer = outbox.body.items.find((e: { kind: string }) => e.kind === 'waitlist-offer')
    expect(offer, JSON.stringify(outbox.body.items)).toBeTruthy()
    const email = await server.request('GET', `/api/admin/outbox/${offer.id}`, { token: adminToken })
    const link = /\/screenings\/\d+\?seats=[A-Z0-9,]+&offer=\d+/.exec(email.body.text)?.[0]
    expect(link).toBe(`/screenings/${id}?seats=A3,A4&offer=${(await server.request('GET', '/api/waitlist', { token: member.token })).body.items[0].id}`)

    await open(page, link!)
    await visible(page.getByText('Seats are held for you'))
    await expect.poll(() => page.getByTestId('waitlist-offer').textContent(), { timeout: 10_000 }).toMatch(/A3, A4/)
    await expect.poll(() => page.getByTestId('summary-count').textContent(), { timeout: 10_000 }).toBe('2 seats')
    await page.getByRole('button', { name: 'Book', exact: true }).click()
    await page.waitForURL('**/bookings/*?new=1')
    await expect.poll(() => page.getByTestId('booking-seats').textContent(), { timeout: 10_000 }).toBe('A3, A4')

    // Off the list now: My bookings shows the booking and no waiting list.
    expect((await server.request('GET', '/api/waitlist', { token: member.token })).body.items).toEqual([])
    await open(page, '/bookings')
    await visible(page.getByText(show.body.name).first())
    expect(await page.getByTestId('waitlist-entry').count()).toBe(0)
  })
})
