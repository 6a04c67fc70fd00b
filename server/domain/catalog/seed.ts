import sharp from 'sharp'
import type { Storage } from 'unstorage'
import type { Db } from '../../db'
import { zonedLocalToUtc } from '#shared/time'
import { renderPoster, storePoster } from './posters'
import { createScreening } from './screenings'
import { createShow, setPosterKey } from './shows'
import { createVenue, setVenueLayout } from './venues'
import type { HallLayout, LayoutPlace } from '#shared/layout'
import { rowLabel } from '#shared/seats'

const VENUES = [
  { name: 'PVR Forum Mall', place: 'Bengaluru', capacity: 180, seatsPerRow: 18 },
  { name: 'INOX Garuda', place: 'Bengaluru', capacity: 120, seatsPerRow: 12 },
  { name: 'Regal Cinema', place: 'Mumbai', capacity: 220, seatsPerRow: 20 },
  { name: 'Prithvi Theatre', place: 'Mumbai', capacity: 96, seatsPerRow: 12 },
  { name: 'PVR Select Citywalk', place: 'Delhi', capacity: 160, seatsPerRow: 16 },
  { name: 'Kamani Auditorium', place: 'Delhi', capacity: 140, seatsPerRow: 14 },
  { name: 'Sathyam Cinemas', place: 'Chennai', capacity: 200, seatsPerRow: 20 },
  { name: 'The Music Academy', place: 'Chennai', capacity: 110, seatsPerRow: 11 },
]

/**
 * A demo hall of `capacity / seatsPerRow` rows with aisles (two in a wide row, one in a
 * narrow one) and, front to back, Classic, Prime and (every other venue) Recliner rows;
 * the front row's outer seats are wheelchair spaces, each with a companion seat beside it.
 */
function demoLayout(capacity: number, seatsPerRow: number, index: number): HallLayout {
  const rows = capacity / seatsPerRow
  const aisles = seatsPerRow >= 14 ? [Math.floor(seatsPerRow / 4), seatsPerRow - Math.floor(seatsPerRow / 4)] : [Math.floor(seatsPerRow / 2)]
  const recliner = index % 2 === 0
  const categoryOf = (row: number) => recliner && row === rows - 1 ? 'recliner' : row >= rows - Math.ceil(rows / 3) - (recliner ? 1 : 0) ? 'prime' : 'classic'
  return {
    categories: [{ id: 'classic', name: 'Classic' }, { id: 'prime', name: 'Prime' }, ...(recliner ? [{ id: 'recliner', name: 'Recliner' }] : [])],
    rows: Array.from({ length: rows }, (_, row) => {
      const places: LayoutPlace[] = []
      for (let seat = 1; seat <= seatsPerRow; seat++) {
        const place: LayoutPlace = { seat, category: categoryOf(row) }
        if (row === 0 && (seat === 1 || seat === seatsPerRow)) place.access = 'wheelchair'
        if (row === 0 && (seat === 2 || seat === seatsPerRow - 1)) place.access = 'companion'
        places.push(place)
        if (aisles.includes(seat)) places.push({ gap: true })
      }
      return { label: rowLabel(row), places }
    }),
  }
}

/** A demo screening's prices: Classic at the show's price, Prime 40% more, Recliner double (whole rupees). */
function demoPrices(ticketPrice: number): Record<string, number> {
  return { prime: Math.round(ticketPrice * 1.4 / 1000) * 1000, recliner: ticketPrice * 2 }
}

const SHOWS: [string, string[], number, number][] = [
  ['The Last Voyage', ['drama', 'adventure'], 8.1, 142],
  ['Monsoon Wedding Redux', ['romance', 'comedy'], 7.4, 118],
  ['Circuit Breaker', ['action', 'thriller'], 7.9, 131],
  ['Stardust Over Goa', ['romance', 'drama'], 6.8, 124],
  ['The Quiet Orbit', ['sci-fi', 'drama'], 8.6, 155],
  ['Paper Tigers', ['comedy'], 6.9, 102],
  ['Midnight at Marine Drive', ['thriller', 'mystery'], 7.6, 126],
  ['Rhythm of the Ghats', ['musical', 'documentary'], 8.3, 95],
  ['Iron Monsoon', ['action'], 6.4, 148],
  ['The Clockmaker\'s Daughter', ['fantasy', 'family'], 7.8, 112],
  ['Neon Bazaar', ['sci-fi', 'action'], 7.1, 137],
  ['Letters from Shillong', ['drama', 'romance'], 8.0, 121],
  ['Tiger Trail', ['documentary', 'family'], 8.4, 88],
  ['Hamlet, Reimagined', ['theatre', 'drama'], 8.7, 165],
  ['Stand-up Saturdays', ['comedy', 'live'], 7.2, 90],
  ['The Spice Route', ['adventure', 'documentary'], 7.7, 104],
  ['Carnatic Nights', ['music', 'live'], 8.9, 120],
  ['Ghost of Ward 7', ['horror'], 6.6, 109],
  ['Kites Over Jaipur', ['family', 'comedy'], 7.0, 98],
  ['Deep Blue Arabian', ['documentary'], 8.2, 92],
  ['The Heist at Howrah', ['thriller', 'action'], 7.5, 133],
  ['Little Astronomers', ['animation', 'family'], 7.9, 86],
  ['Bollywood Unplugged', ['music', 'live'], 7.3, 110],
  ['Silent Monastery', ['drama', 'mystery'], 8.5, 140],
  ['Cricket Fever', ['sports', 'comedy'], 6.7, 116],
  ['Echoes of Hampi', ['history', 'documentary'], 8.1, 97],
  ['The Cyber Sadhu', ['sci-fi', 'thriller'], 7.4, 128],
  ['Dance of the Peacock', ['dance', 'live'], 8.0, 100],
  ['Moonlight Chai Stall', ['romance', 'comedy'], 7.1, 107],
  ['The Final Over', ['sports', 'drama'], 7.8, 150],
]

const SLOTS = ['10:00', '13:30', '17:00', '20:45']
const PALETTES = [['#7c3aed', '#111827'], ['#e11d48', '#1f2937'], ['#0ea5e9', '#0f172a'], ['#f59e0b', '#431407'], ['#10b981', '#022c22'], ['#ec4899', '#1e1b4b']]

/** A deterministic pseudo-random sequence, so the demo is the same on every machine. */
function prng(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

const escapeXml = (s: string) => s.replace(/[<>&'"]/g, c => `&#${c.charCodeAt(0)};`)

/** A poster drawn locally: a gradient, a few shapes and the title. */
function demoPosterSvg(title: string, index: number): string {
  const [from, to] = PALETTES[index % PALETTES.length]!
  const rnd = prng(index + 7)
  const words = title.split(' ')
  const lines: string[] = []
  for (const w of words) {
    const last = lines[lines.length - 1]
    if (last && (last + ' ' + w).length <= 14) lines[lines.length - 1] = `${last} ${w}`
    else lines.push(w)
  }
  const shapes = Array.from({ length: 3 }, (_, i) => `<circle cx="${Math.round(rnd() * 600)}" cy="${Math.round(100 + rnd() * 450)}" r="${Math.round(60 + rnd() * 160)}" fill="#fff" fill-opacity="${(0.06 + i * 0.04).toFixed(2)}"/>`).join('')
  const text = lines.map((l, i) => `<text x="40" y="${860 - (lines.length - 1 - i) * 66}" font-family="DejaVu Sans, sans-serif" font-size="56" font-weight="700" fill="#fff">${escapeXml(l)}</text>`).join('')
  return `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="900"><defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${from}"/><stop offset="1" stop-color="${to}"/></linearGradient></defs><rect width="600" height="900" fill="url(#g)"/>${shapes}${text}</svg>`
}

/**
 * Fills an EMPTY database with a demo catalogue: 8 venues in 4 cities, 30 shows with tags,
 * ratings and generated posters, and screenings over the next 14 days. A database that
 * already has venues or shows is left alone.
 */
export async function seedDemo(db: Db, posters: Storage, opts: { timezone: string, now?: Date }): Promise<{ seeded: boolean, venues: number, shows: number, screenings: number }> {
  const now = opts.now ?? new Date()
  const existing = await db.selectFrom('venues').select('id').limit(1).executeTakeFirst()
    ?? await db.selectFrom('shows').select('id').limit(1).executeTakeFirst()
  if (existing) return { seeded: false, venues: 0, shows: 0, screenings: 0 }

  const venues = []
  for (const [i, v] of VENUES.entries()) {
    const venue = await createVenue(db, { ...v, timezone: opts.timezone }, opts.timezone, now)
    venues.push(await setVenueLayout(db, venue.id, demoLayout(v.capacity, v.seatsPerRow, i), now))
  }
  const shows = []
  for (const [i, [name, tags, rating, durationMinutes]] of SHOWS.entries()) {
    const show = await createShow(db, {
      name,
      description: `${name} — a ${tags.join(' and ')} ${tags.includes('live') ? 'evening' : 'feature'} for the whole city. ${durationMinutes} minutes.`,
      rating,
      tags,
      ticketPrice: (15 + (i % 6) * 5) * 1000,
      durationMinutes,
    }, now)
    const png = await sharp(Buffer.from(demoPosterSvg(name, i))).png().toBuffer()
    await setPosterKey(db, show.id, await storePoster(posters, show.id, await renderPoster(png)))
    shows.push(show)
  }

  const rnd = prng(42)
  let screenings = 0
  for (let day = 0; day < 14; day++) {
    const date = new Date(now.getTime() + day * 86_400_000).toISOString().slice(0, 10)
    for (const venue of venues) {
      for (const slot of SLOTS) {
        const startsAt = new Date(zonedLocalToUtc(date, slot, venue.timezone))
        if (startsAt <= now) continue
        const show = shows[Math.floor(rnd() * shows.length)]!
        const prices = Object.fromEntries(Object.entries(demoPrices(show.ticketPrice)).filter(([id]) => venue.layout.categories.some(c => c.id === id)))
        await createScreening(db, { showId: show.id, venueId: venue.id, startsAt: startsAt.toISOString(), prices }, now)
        screenings++
      }
    }
  }
  return { seeded: true, venues: venues.length, shows: shows.length, screenings }
}
