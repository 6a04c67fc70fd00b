import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import QRCode from 'qrcode'
import sharp from 'sharp'
import { createApprovedUser } from '../helpers/server'
import type { TestServer } from '../helpers/server'
import { describe, expect, it, logInThroughForm, open, uniqueName, visible } from '../helpers/browser-fixture'

// The door in a real Chromium: a staff member on a phone checks a ticket in from a photo
// of its QR code (the page's upload fallback, decoded by jsQR as Chromium on Linux has no
// BarcodeDetector), sees the second scan refused, types a reference in, and the count moves;
// and a ticket read from Chromium's fake camera (a .y4m of its QR code) through getUserMedia.

/** A timezone where a screening in half an hour is still today. */
function zoneWithTimeLeftToday(): string {
  const zones = ['UTC', 'Asia/Kolkata', 'America/New_York', 'Asia/Tokyo', 'America/Los_Angeles', 'Europe/Berlin', 'Pacific/Auckland']
  const hour = (tz: string) => Number(new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', hourCycle: 'h23' }).format(new Date()))
  return zones.find(tz => hour(tz) >= 1 && hour(tz) < 20)!
}

async function todaysBookings(server: TestServer, adminToken: string) {
  const venue = (await server.request('POST', '/api/venues', { token: adminToken, body: { name: uniqueName('Door '), place: 'Pune', capacity: 20, seatsPerRow: 10, timezone: zoneWithTimeLeftToday() } })).body
  const showName = uniqueName('Door film ')
  const show = (await server.request('POST', '/api/shows', { token: adminToken, body: { name: showName, tags: [], ticketPrice: 10000 } })).body
  const screening = (await server.request('POST', '/api/screenings', { token: adminToken, body: { showId: show.id, venueId: venue.id, startsAt: new Date(Date.now() + 30 * 60_000).toISOString() } })).body
  const member = await createApprovedUser(server, adminToken)
  const book = async (quantity: number) => {
    const res = await server.request('POST', '/api/bookings', { token: member.token, body: { screeningId: screening.id, quantity } })
    expect(res.status).toBe(201)
    return res.body as { reference: string, seats: string[], ticketCode: string }
  }
  return { showName, screeningId: screening.id as number, first: await book(2), second: await book(1) }
}

describe('/staff/checkin', () => {
  it('checks a ticket in from a photo of its QR code, refuses it the second time, takes a typed reference and counts who is in', async ({ server, adminToken, newPage }) => {
    const { showName, screeningId, first, second } = await todaysBookings(server, adminToken)
    const staff = await createApprovedUser(server, adminToken)
    expect((await server.request('PATCH', `/api/users/${staff.id}`, { token: adminToken, body: { role: 'staff' } })).status).toBe(200)
    const photo = join(mkdtempSync(join(tmpdir(), 'ticketshow-qr-')), 'ticket.png')
    writeFileSync(photo, await QRCode.toBuffer(first.ticketCode, { margin: 4, width: 400 }))

    const page = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
    await logInThroughForm(page, staff.username, staff.password)
    await page.getByRole('button', { name: `Account menu for ${staff.username}` }).click()
    await page.getByRole('menuitem', { name: 'Check-in' }).click()
    await page.waitForURL('**/staff/checkin')
    await open(page, '/staff/checkin')
    const count = page.getByTestId(`checkin-count-${screeningId}`)
    await expect.poll(() => count.innerText()).toContain('0 / 3')

    const result = page.getByTestId('checkin-result')
    await page.getByTestId('checkin-photo').setInputFiles(photo)
    await expect.poll(() => result.innerText(), { timeout: 15_000 }).toContain('Admitted')
    expect(await result.innerText()).toContain(showName)
    expect(await result.innerText()).toContain(`Seats ${first.seats.join(', ')}`)
    expect(await result.getAttribute('class')).toContain('bg-green')
    await expect.poll(() => count.innerText()).toContain('2 / 3')

    await page.getByTestId('checkin-photo').setInputFiles(photo)
    await expect.poll(() => result.innerText(), { timeout: 15_000 }).toMatch(/Already checked in[\s\S]*First used at \d\d:\d\d by /)
    expect(await result.getAttribute('class')).toContain('bg-red')

    await page.getByLabel('Booking reference').fill(second.reference.toLowerCase())
    await page.getByRole('button', { name: 'Check in' }).click()
    await expect.poll(() => result.innerText()).toContain('Admitted')
    expect(await result.innerText()).toContain(`Seat ${second.seats[0]}`)
    await expect.poll(() => count.innerText()).toContain('3 / 3')

    await page.getByLabel('Booking reference').fill('NOSUCHREF')
    await page.getByRole('button', { name: 'Check in' }).click()
    await visible(result.getByText('Unknown ticket'))
  })

  it('keeps members out', async ({ server, adminToken, newPage }) => {
    const member = await createApprovedUser(server, adminToken)
    const page = await newPage()
    await logInThroughForm(page, member.username, member.password)
    await page.goto('/staff/checkin')
    await visible(page.getByText('This page is for door staff and admins only.'))
  })
})

/** A still video (.y4m, I420) of a QR code, for Chromium's fake camera. */
async function qrVideo(text: string): Promise<string> {
  const size = 480
  const png = await QRCode.toBuffer(text, { margin: 4, width: size })
  const { data } = await sharp(png).resize(size, size).removeAlpha().raw().toBuffer({ resolveWithObject: true })
  const y = Buffer.alloc(size * size)
  for (let i = 0; i < size * size; i++) y[i] = Math.round(0.299 * data[i * 3]! + 0.587 * data[i * 3 + 1]! + 0.114 * data[i * 3 + 2]!)
  const chroma = Buffer.alloc((size / 2) * (size / 2), 128)
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, chroma, chroma])
  const file = join(mkdtempSync(join(tmpdir(), 'ticketshow-cam-')), 'ticket.y4m')
  writeFileSync(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${size} H${size} F10:1 Ip A1:1 C420jpeg\n`), frame, frame, frame]))
  return file
}

describe('/staff/checkin with a camera', () => {
  it('admits a ticket held up to the (fake) camera', async ({ server, adminToken }) => {
    const { showName, first } = await todaysBookings(server, adminToken)
    const staff = await createApprovedUser(server, adminToken)
    expect((await server.request('PATCH', `/api/users/${staff.id}`, { token: adminToken, body: { role: 'staff' } })).status).toBe(200)
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${await qrVideo(first.ticketCode)}`],
    })
    try {
      const context = await browser.newContext({ baseURL: server.url, viewport: { width: 390, height: 844 } })
      await context.grantPermissions(['camera'], { origin: server.url })
      const page = await context.newPage()
      await logInThroughForm(page, staff.username, staff.password)
      await open(page, '/staff/checkin')
      await page.getByRole('button', { name: 'Scan with the camera' }).click()
      const result = page.getByTestId('checkin-result')
      await expect.poll(() => result.innerText(), { timeout: 20_000 }).toContain('Admitted')
      expect(await result.innerText()).toContain(showName)
      await page.getByRole('button', { name: 'Stop the camera' }).click()
    }
    finally {
      await browser.close()
    }
  })
})
