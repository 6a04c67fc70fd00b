import Papa from 'papaparse'
import { describe, expect, it } from 'vitest'
import { approveUser, createUser } from '../../server/domain/accounts'
import { cancelBooking, createBooking } from '../../server/domain/booking'
import { materialize } from '../../server/domain/mail'
import type { MailAttachment } from '../../server/domain/mail'
import { renderReport, reportPeriod, sendMonthlyReports } from '../../server/domain/reporting'
import { createScreening, createShow, createVenue } from '../../server/domain/catalog'
import type { Db } from '../../server/db'
import { unique, useTestDb } from '../helpers/fixtures'

const SECRET = 'report-test-secret-report-test-secret-report'
const SITE = 'https://tickets.example.test'
const TZ = 'Asia/Kolkata'
// 08:30 on 1 May 2031 in Kolkata: the report covers April, compared with March.
const NOW = new Date('2031-05-01T03:00:00.000Z')
const LONG_AGO = new Date('2031-02-01T00:00:00.000Z')

let db: Db
useTestDb(made => (db = made))

async function member(optIn = true) {
  const username = unique()
  const user = await createUser(db, { username, email: `${username}@example.test`, password: 'correct-horse-battery', emailOptIn: optIn }, LONG_AGO)
  await approveUser(db, user.id, LONG_AGO)
  return user
}

function run(now = NOW) {
  return sendMonthlyReports(db, { now, timezone: TZ, siteUrl: SITE, secret: SECRET, currency: 'INR', batchSize: 3 })
}

/** The user's report rows as they will be sent: rendered from the data they are stored as. */
async function reportsOf(userId: number) {
  const rows = await db.selectFrom('outbox').selectAll().where('user_id', '=', userId).where('kind', '=', 'report').execute()
  return Promise.all(rows.map(async (row) => {
    // Stored small: data, never the rendered email.
    expect(row.html).toBe('')
    expect(row.attachments).toBeNull()
    expect(row.template!.length).toBeLessThan(2048)
    const email = await materialize(row, renderReport)
    return { ...row, html: email.html, text: email.text, attachments: JSON.stringify(email.attachments) }
  }))
}

describe('reportPeriod', () => {
  it('is last month in the schedule\'s timezone, from the 1st at midnight there', () => {
    expect(reportPeriod(NOW, TZ)).toEqual({
      month: '2031-04',
      previous: '2031-03',
      start: '2031-03-31T18:30:00.000Z',
      end: '2031-04-30T18:30:00.000Z',
      previousStart: '2031-02-28T18:30:00.000Z',
    })
  })
})

describe('sendMonthlyReports', () => {
  it('reports bookings, tickets, spend, shows seen, favourite tags and the change from the month before, with the chart and the CSV', async () => {
    const venue = await createVenue(db, { name: unique('Regal '), place: 'Pune', capacity: 100, seatsPerRow: 10 }, TZ, LONG_AGO)
    const alpha = await createShow(db, { name: unique('Alpha '), ticketPrice: 20_000, tags: ['drama', 'thriller'] }, LONG_AGO)
    const beta = await createShow(db, { name: unique('Beta '), ticketPrice: 15_000, tags: ['comedy', 'drama'] }, LONG_AGO)
    const screening = (showId: number, startsAt: string) => createScreening(db, { showId, venueId: venue.id, startsAt }, LONG_AGO)
    const march = await screening(alpha.id, '2031-03-25T14:30:00.000Z')
    const alphaApril = await screening(alpha.id, '2031-04-10T14:30:00.000Z')
    const betaApril = await screening(beta.id, '2031-04-20T14:30:00.000Z')
    const alphaMay = await screening(alpha.id, '2031-05-05T14:30:00.000Z')

    const user = await member()
    const book = (screeningId: number, quantity: number, at: string) => createBooking(db, user.id, { screeningId, quantity }, new Date(at))
    await book(march.id, 1, '2031-03-20T06:00:00.000Z') // March: 1 ticket, ₹200
    await book(alphaApril.id, 2, '2031-04-02T06:00:00.000Z') // week 1: 2 tickets, ₹400
    await book(betaApril.id, 3, '2031-04-16T06:00:00.000Z') // week 3: 3 tickets, ₹450
    await book(alphaMay.id, 1, '2031-04-30T17:00:00.000Z') // 22:30 on 30 April in Kolkata: week 5, ₹200
    await book(alphaMay.id, 4, '2031-04-30T19:00:00.000Z') // 00:30 on 1 May in Kolkata: not April
    const dropped = await book(betaApril.id, 1, '2031-04-17T06:00:00.000Z')
    await cancelBooking(db, user.id, dropped.id, new Date('2031-04-18T06:00:00.000Z'))

    const result = await run()
    expect(result.month).toBe('2031-04')

    const [report, ...more] = await reportsOf(user.id)
    expect(more).toEqual([])
    expect(report!.dedupe_key).toBe(`monthly:${user.id}:2031-04`)
    expect(report!.subject).toBe('Your April 2031 at TicketShow: 6 tickets')
    expect(report!.text).toContain('Bookings: 3 (and 1 cancelled)')
    expect(report!.text).toContain('Tickets: 6 (+5 vs March)')
    expect(report!.text).toContain('Spent: ₹1,050.00 (+₹850.00 vs March)')
    expect(report!.text).toContain(`Shows seen: 2: ${alpha.name}, ${beta.name}`)
    expect(report!.text).toContain('Favourite tags: drama, comedy, thriller')
    expect(report!.text).toContain('[Tickets per week: 1–7 Apr: 2; 8–14 Apr: 0; 15–21 Apr: 3; 22–28 Apr: 0; 29–30 Apr: 1]')
    expect(report!.html).toContain('src="cid:tickets-chart"')
    const headers = JSON.parse(report!.headers!) as Record<string, string>
    expect(headers['List-Unsubscribe']).toMatch(/^<https:\/\/tickets\.example\.test\/api\/unsubscribe\?token=\d+\.[\w-]+>$/)

    const attachments = JSON.parse(report!.attachments!) as MailAttachment[]
    const png = attachments.find(a => a.contentType === 'image/png')!
    expect(png.cid).toBe('tickets-chart')
    const pngBytes = Buffer.from(png.content, 'base64')
    expect(pngBytes.subarray(1, 4).toString()).toBe('PNG')
    expect(pngBytes.readUInt32BE(16)).toBe(480) // IHDR width
    expect(pngBytes.length).toBeLessThan(8 * 1024)

    const csvFile = attachments.find(a => a.filename === 'ticketshow-2031-04.csv')!
    expect(csvFile.contentType).toMatch(/^text\/csv/)
    const csv = Papa.parse<Record<string, string>>(Buffer.from(csvFile.content, 'base64').toString('utf8').replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: true })
    expect(csv.data.map(r => [r.Show, r.Quantity, r.Status])).toEqual([
      [alpha.name, '1', 'confirmed'],
      [beta.name, '1', 'cancelled'],
      [beta.name, '3', 'confirmed'],
      [alpha.name, '2', 'confirmed'],
    ])
    expect(csv.data[0]!['Starts (venue time)']).toBe('2031-05-05 20:00')
  })

  it('sends each report once, and none to people with no activity last month or who opted out', async () => {
    const venue = await createVenue(db, { name: unique('Plaza '), place: 'Goa', capacity: 50 }, TZ, LONG_AGO)
    const show = await createShow(db, { name: unique('Gamma '), ticketPrice: 10_000, tags: [] }, LONG_AGO)
    const april = await createScreening(db, { showId: show.id, venueId: venue.id, startsAt: '2031-04-12T14:30:00.000Z' }, LONG_AGO)
    const active = await member()
    const optedOut = await member(false)
    const idle = await member()
    const seenOnly = await member()
    await createBooking(db, active.id, { screeningId: april.id, quantity: 1 }, new Date('2031-04-05T06:00:00.000Z'))
    await createBooking(db, optedOut.id, { screeningId: april.id, quantity: 1 }, new Date('2031-04-05T06:00:00.000Z'))
    // booked in March for a show in April: they saw a show last month
    await createBooking(db, seenOnly.id, { screeningId: april.id, quantity: 2 }, new Date('2031-03-30T06:00:00.000Z'))

    await run()
    const again = await run(new Date(NOW.getTime() + 3_600_000))

    expect(again.reports).toBe(0)
    expect(await reportsOf(active.id)).toHaveLength(1)
    expect(await reportsOf(optedOut.id)).toEqual([])
    expect(await reportsOf(idle.id)).toEqual([])
    const [seen] = await reportsOf(seenOnly.id)
    expect(seen?.text).toContain('Tickets: 0 (−2 vs March)')
    expect(seen?.text).toContain(`Shows seen: 1: ${show.name}`)
  })
})
