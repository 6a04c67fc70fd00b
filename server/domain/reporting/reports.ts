import type { Db } from '../../db'
import { writeTransaction } from '../../db/write'
import { formatMoney, monthName } from '#shared/format'
import { utcToZonedLocal, zonedLocalToUtc } from '#shared/time'
import { formatBookingsCsv } from '../booking'
import type { BookingCsvRow } from '../booking'
import { enqueueEmail, renderEmail, unsubscribeLinks } from '../mail'
import type { OutgoingEmail } from '../mail'
import { chartPng } from './chart'
import type { ChartBar } from './chart'

// reports:monthly. On the 1st (in NUXT_DEFAULT_TIMEZONE), each person who opted in and was
// active last month gets last month's report. "Last month" runs from the 1st 00:00 to the
// next 1st 00:00 in that timezone. Active means: at least one booking made in the month
// that is still confirmed, or a confirmed booking for a screening that took place in the
// month (a show seen). The figures:
// - bookings, tickets, spend: confirmed bookings made in the month (count, seats, totals);
//   bookings made and cancelled in the month are counted apart;
// - shows seen: distinct shows of confirmed bookings whose screening took place in the
//   month (and was not cancelled);
// - favourite tags: the three tags with the most tickets among the month's bookings;
// - change: tickets and spend against the month before, measured the same way;
// - a chart of tickets per week (days 1–7, 8–14, 15–21, 22–28, 29–end) by booking date;
// - the month's bookings (every status) as the same CSV as GET /api/bookings/export.csv.
// Users are read in batches (keyset on id) with four aggregate queries per batch, so memory
// stays bounded by the batch, and each batch's emails are written in one transaction.
// The dedupe key monthly:{userId}:{YYYY-MM} sends each report once. A report is stored as
// the data it is made from (ReportTemplate) and rendered, chart and CSV included, when it is
// sent or read (renderReport).

export interface MonthlyOptions {
  now: Date
  timezone: string
  siteUrl: string
  secret: string
  currency: string
  batchSize?: number
}

export interface MonthlyResult {
  month: string
  users: number
  reports: number
}

export interface ReportFigures {
  month: string
  bookings: number
  cancelled: number
  tickets: number
  spend: number
  showsSeen: string[]
  favouriteTags: string[]
  previous: { month: string, tickets: number, spend: number }
  weeks: ChartBar[]
}

/** 'YYYY-MM' of the month `delta` months from `month`. */
export function shiftMonth(month: string, delta: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number]
  const d = new Date(Date.UTC(y, m - 1 + delta, 1))
  return d.toISOString().slice(0, 7)
}

function daysIn(month: string): number {
  const [y, m] = month.split('-').map(Number) as [number, number]
  return new Date(Date.UTC(y, m, 0)).getUTCDate()
}

/** The weeks of a month as chart bars with zero tickets: 1–7 Oct, 8–14 Oct, … */
function emptyWeeks(month: string): ChartBar[] {
  const short = monthName(month, 'short')
  const days = daysIn(month)
  const bars: ChartBar[] = []
  for (let start = 1; start <= days; start += 7) {
    const end = Math.min(days, start + 6)
    bars.push({ label: start === end ? `${start} ${short}` : `${start}–${end} ${short}`, value: 0 })
  }
  return bars
}

const signed = (n: number, format: (v: number) => string) => (n > 0 ? `+${format(n)}` : n < 0 ? `−${format(-n)}` : '±0')

/**
 * What a report email is stored as (the outbox row's template): the figures and the month's
 * bookings it is made from, about a kilobyte, not the 8 KB of HTML, chart and CSV it renders
 * to when it is sent or read (renderReport). The unsubscribe link is worked out now, with
 * the signing key, so rendering needs no secret.
 */
export interface ReportTemplate {
  name: 'monthly-report'
  username: string
  /** the figures, with the weeks' ticket counts only (their labels follow from the month) */
  figures: Omit<ReportFigures, 'weeks'> & { weeks: number[] }
  /** the month's bookings for the CSV, each as its values in BOOKING_FIELDS order */
  bookings: unknown[][]
  siteUrl: string
  currency: string
  unsubscribeUrl: string
}

// A report's bookings are stored as rows of values, not objects: the keys would be most
// of their size.
const BOOKING_FIELDS = ['reference', 'show_name', 'venue_name', 'place', 'starts_at', 'timezone', 'seats', 'quantity', 'unit_price', 'total', 'status', 'created_at', 'lines'] as const satisfies ReadonlyArray<keyof BookingCsvRow>
const packBooking = (b: BookingCsvRow) => BOOKING_FIELDS.map(f => b[f])
const unpackBooking = (values: unknown[]) => Object.fromEntries(BOOKING_FIELDS.map((f, i) => [f, values[i]])) as BookingCsvRow

function reportSubject(figures: ReportFigures): string {
  return `Your ${monthName(figures.month)} at TicketShow: ${figures.tickets} ${figures.tickets === 1 ? 'ticket' : 'tickets'}`
}

/** The report email for one person's month, as its data (rendered when sent or read). */
function reportEmail(user: { id: number, email: string, username: string }, figures: ReportFigures, csvRows: BookingCsvRow[], opts: { siteUrl: string, secret: string, currency: string }): OutgoingEmail {
  const links = unsubscribeLinks(opts.secret, opts.siteUrl, user.id)
  const template: ReportTemplate = {
    name: 'monthly-report',
    username: user.username,
    figures: { ...figures, weeks: figures.weeks.map(w => w.value) },
    bookings: csvRows.map(packBooking),
    siteUrl: opts.siteUrl,
    currency: opts.currency,
    unsubscribeUrl: links.pageUrl,
  }
  return { to: user.email, subject: reportSubject(figures), html: '', text: '', kind: 'report', dedupeKey: `monthly:${user.id}:${figures.month}`, userId: user.id, headers: links.headers, template }
}

/** A stored report (ReportTemplate) as the email it is: HTML, text, the chart and the CSV. */
export async function renderReport(template: { name: string }, _to: string): Promise<Pick<OutgoingEmail, 'html' | 'text' | 'attachments'>> {
  if (template.name !== 'monthly-report') throw new Error(`Not a report template: ${template.name}`)
  const { username, siteUrl, currency, unsubscribeUrl, ...stored } = template as ReportTemplate
  const figures: ReportFigures = { ...stored.figures, weeks: emptyWeeks(stored.figures.month).map((w, i) => ({ ...w, value: stored.figures.weeks[i] ?? 0 })) }
  const bookings = stored.bookings.map(unpackBooking)
  const site = siteUrl.replace(/\/+$/, '')
  const money = (v: number) => formatMoney(v, currency)
  const prevName = monthName(figures.previous.month, 'long')
  const name = monthName(figures.month)
  const ticketChange = figures.tickets - figures.previous.tickets
  const spendChange = figures.spend - figures.previous.spend
  const rows: Array<[string, string]> = [
    ['Bookings', figures.cancelled ? `${figures.bookings} (and ${figures.cancelled} cancelled)` : String(figures.bookings)],
    ['Tickets', `${figures.tickets} (${signed(ticketChange, String)} vs ${prevName})`],
    ['Spent', `${money(figures.spend)} (${signed(spendChange, money)} vs ${prevName})`],
    ['Shows seen', figures.showsSeen.length ? `${figures.showsSeen.length}: ${figures.showsSeen.join(', ')}` : '0'],
    ['Favourite tags', figures.favouriteTags.length ? figures.favouriteTags.join(', ') : '–'],
  ]
  const png = await chartPng(figures.weeks)
  const csv = '\uFEFF' + formatBookingsCsv(bookings, currency)
  const alt = `Tickets per week: ${figures.weeks.map(w => `${w.label}: ${w.value}`).join('; ')}`
  const rendered = renderEmail({
    subject: reportSubject(figures),
    preheader: `${figures.bookings} ${figures.bookings === 1 ? 'booking' : 'bookings'}, ${money(figures.spend)} spent, ${figures.showsSeen.length} ${figures.showsSeen.length === 1 ? 'show' : 'shows'} seen.`,
    heading: `Your ${name}, ${username}`,
    blocks: [
      { type: 'details', rows },
      { type: 'heading', text: 'Tickets per week' },
      { type: 'image', src: 'cid:tickets-chart', alt, width: 480, height: 160 },
      { type: 'paragraph', text: `Your bookings made in ${monthName(figures.month, 'long')} are attached as a CSV file.` },
      { type: 'button', label: 'See your bookings', url: `${site}/bookings` },
    ],
    unsubscribeUrl,
  }, siteUrl)
  return {
    html: rendered.html,
    text: rendered.text,
    attachments: [
      { filename: 'tickets-per-week.png', contentType: 'image/png', content: png.toString('base64'), cid: 'tickets-chart' },
      { filename: `ticketshow-${figures.month}.csv`, contentType: 'text/csv; charset=utf-8', content: Buffer.from(csv).toString('base64') },
    ],
  }
}

/** The month a report sent at `now` covers, and its bounds as UTC instants. */
export function reportPeriod(now: Date, timezone: string) {
  const current = utcToZonedLocal(now.toISOString(), timezone).date.slice(0, 7)
  const month = shiftMonth(current, -1)
  const previous = shiftMonth(current, -2)
  const at = (m: string) => zonedLocalToUtc(`${m}-01`, '00:00', timezone)
  return { month, previous, start: at(month), end: at(current), previousStart: at(previous) }
}

/**
 * Enqueues last month's report for every opted-in, active user, in batches. Running it
 * again for the same month enqueues nothing new.
 */
export async function sendMonthlyReports(db: Db, opts: MonthlyOptions): Promise<MonthlyResult> {
  const { now } = opts
  const period = reportPeriod(now, opts.timezone)
  const nowIso = now.toISOString()
  const seenUntil = nowIso < period.end ? nowIso : period.end
  const batchSize = opts.batchSize ?? 500
  const result: MonthlyResult = { month: period.month, users: 0, reports: 0 }

  for (let after = 0; ;) {
    const users = await db.selectFrom('users').select(['id', 'email', 'username'])
      .where('id', '>', after).where('email_opt_in', '=', 1).where('approved_at', 'is not', null)
      .orderBy('id').limit(batchSize).execute()
    if (!users.length) break
    after = users[users.length - 1]!.id
    result.users += users.length
    // A second run of the month skips, before any work, the people whose report is queued.
    const queued = await db.selectFrom('outbox').select('dedupe_key')
      .where('dedupe_key', 'in', users.map(u => `monthly:${u.id}:${period.month}`)).execute()
    const done = new Set(queued.map(q => q.dedupe_key))
    const ids = users.filter(u => !done.has(`monthly:${u.id}:${period.month}`)).map(u => u.id)
    if (!ids.length) continue

    const [bookings, previous, seen, tags] = await Promise.all([
      // the month's bookings, every status: the CSV, the counts and the chart
      db.selectFrom('bookings as b')
        .innerJoin('screenings as s', 's.id', 'b.screening_id')
        .innerJoin('shows as sh', 'sh.id', 's.show_id')
        .innerJoin('venues as v', 'v.id', 's.venue_id')
        .select(['b.user_id', 'b.reference', 'b.status', 'b.quantity', 'b.seats', 'b.unit_price', 'b.total', 'b.created_at', 'b.lines', 's.starts_at', 'sh.name as show_name', 'v.name as venue_name', 'v.place', 'v.timezone'])
        .where('b.user_id', 'in', ids).where('b.created_at', '>=', period.start).where('b.created_at', '<', period.end)
        .orderBy('b.user_id').orderBy('b.created_at', 'desc').orderBy('b.id', 'desc')
        .execute(),
      db.selectFrom('bookings').select(['user_id', eb => eb.fn.sum<number>('quantity').as('tickets'), eb => eb.fn.sum<number>('total').as('spend')])
        .where('user_id', 'in', ids).where('status', '=', 'confirmed')
        .where('created_at', '>=', period.previousStart).where('created_at', '<', period.start)
        .groupBy('user_id').execute(),
      db.selectFrom('bookings as b').innerJoin('screenings as s', 's.id', 'b.screening_id').innerJoin('shows as sh', 'sh.id', 's.show_id')
        .select(['b.user_id', 'sh.name']).distinct()
        .where('b.user_id', 'in', ids).where('b.status', '=', 'confirmed').where('s.cancelled_at', 'is', null)
        .where('s.starts_at', '>=', period.start).where('s.starts_at', '<', seenUntil)
        .orderBy('b.user_id').orderBy('sh.name')
        .execute(),
      db.selectFrom('bookings as b').innerJoin('screenings as s', 's.id', 'b.screening_id').innerJoin('show_tags as t', 't.show_id', 's.show_id')
        .select(['b.user_id', 't.tag', eb => eb.fn.sum<number>('b.quantity').as('tickets')])
        .where('b.user_id', 'in', ids).where('b.status', '=', 'confirmed')
        .where('b.created_at', '>=', period.start).where('b.created_at', '<', period.end)
        .groupBy(['b.user_id', 't.tag'])
        .execute(),
    ])

    const group = <T extends { user_id: number }>(rows: T[]) => {
      const map = new Map<number, T[]>()
      for (const r of rows) {
        const list = map.get(r.user_id)
        if (list) list.push(r)
        else map.set(r.user_id, [r])
      }
      return map
    }
    const bookingsBy = group(bookings)
    const seenBy = group(seen)
    const tagsBy = group(tags)
    const previousBy = new Map(previous.map(p => [p.user_id, p]))

    const emails: OutgoingEmail[] = []
    for (const user of users) {
      if (done.has(`monthly:${user.id}:${period.month}`)) continue
      const mine = bookingsBy.get(user.id) ?? []
      const confirmed = mine.filter(b => b.status === 'confirmed')
      const showsSeen = (seenBy.get(user.id) ?? []).map(s => s.name)
      if (!confirmed.length && !showsSeen.length) continue
      const weeks = emptyWeeks(period.month)
      for (const b of confirmed) {
        const day = Number(utcToZonedLocal(b.created_at, opts.timezone).date.slice(8, 10))
        weeks[Math.min(weeks.length - 1, Math.floor((day - 1) / 7))]!.value += b.quantity
      }
      const prev = previousBy.get(user.id)
      const figures: ReportFigures = {
        month: period.month,
        bookings: confirmed.length,
        cancelled: mine.length - confirmed.length,
        tickets: confirmed.reduce((n, b) => n + b.quantity, 0),
        spend: confirmed.reduce((n, b) => n + b.total, 0),
        showsSeen,
        favouriteTags: (tagsBy.get(user.id) ?? [])
          .map(t => ({ tag: t.tag, tickets: Number(t.tickets) }))
          .sort((a, b) => b.tickets - a.tickets || a.tag.localeCompare(b.tag))
          .slice(0, 3).map(t => t.tag),
        previous: { month: period.previous, tickets: Number(prev?.tickets ?? 0), spend: Number(prev?.spend ?? 0) },
        weeks,
      }
      emails.push(reportEmail(user, figures, mine, opts))
    }

    if (emails.length) {
      result.reports += await writeTransaction(db, async (trx) => {
        let added = 0
        for (const email of emails) {
          if (await enqueueEmail(trx, email, now)) added++
        }
        return added
      })
    }
  }
  return result
}
