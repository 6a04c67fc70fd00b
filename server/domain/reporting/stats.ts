import type { Db } from '../../db'
import { localDate } from '#shared/format'

export interface AdminStats {
  totals: { tickets: number, revenue: number, bookings: number, upcomingScreenings: number, pendingUsers: number }
  ticketsPerDay: { date: string, tickets: number, revenue: number }[]
  shows: { id: number, name: string, tickets: number, revenue: number, capacity: number, occupancy: number }[]
  waitlist: WaitlistStats
}

/** Demand the halls could not meet: who waits now, and who waited in vain (their screening began or was cancelled first). */
export interface WaitlistStats {
  waiting: { people: number, seats: number }
  offered: number
  unserved: { people: number, seats: number }
  /** the shows with the most seats wanted in vain, most first (top 5) */
  shows: { id: number, name: string, people: number, seats: number }[]
}

async function waitlistStats(db: Db): Promise<WaitlistStats> {
  const [byStatus, shows] = await Promise.all([
    db.selectFrom('waitlist_entries').select(['status', eb => eb.fn.countAll<number>().as('people'), eb => eb.fn.sum<number>('quantity').as('seats')])
      .where('status', 'in', ['waiting', 'offered', 'closed']).groupBy('status').execute(),
    db.selectFrom('waitlist_entries as w').innerJoin('screenings as s', 's.id', 'w.screening_id').innerJoin('shows as sh', 'sh.id', 's.show_id')
      .select(['sh.id', 'sh.name', eb => eb.fn.countAll<number>().as('people'), eb => eb.fn.sum<number>('w.quantity').as('seats')])
      .where('w.status', '=', 'closed').groupBy(['sh.id', 'sh.name']).execute(),
  ])
  const of = (status: string) => byStatus.find(r => r.status === status)
  const count = (status: string) => ({ people: Number(of(status)?.people ?? 0), seats: Number(of(status)?.seats ?? 0) })
  return {
    waiting: count('waiting'),
    offered: count('offered').people,
    unserved: count('closed'),
    shows: shows.map(r => ({ id: r.id, name: r.name, people: Number(r.people), seats: Number(r.seats ?? 0) }))
      .sort((a, b) => b.seats - a.seats || b.people - a.people).slice(0, 5),
  }
}

/**
 * Sales at a glance: tickets and revenue per day over the last 30 days (days in the given
 * timezone), revenue and occupancy per show (top 15 by revenue), people waiting for approval,
 * and the waiting lists' demand.
 */
export async function adminStats(db: Db, opts: { timeZone: string, now?: Date }): Promise<AdminStats> {
  const now = opts.now ?? new Date()
  const since = new Date(now.getTime() - 30 * 86_400_000)
  const [recent, perShow, totals, upcoming, pending, waitlist] = await Promise.all([
    db.selectFrom('bookings').select(['created_at', 'quantity', 'total'])
      .where('status', '=', 'confirmed').where('created_at', '>=', since.toISOString()).execute(),
    db.selectFrom('shows as sh').innerJoin('screenings as s', 's.show_id', 'sh.id')
      .select(['sh.id', 'sh.name', eb => eb.fn.sum<number>('s.seats_sold').as('tickets'), eb => eb.fn.sum<number>('s.capacity').as('capacity')])
      .where('s.cancelled_at', 'is', null).groupBy(['sh.id', 'sh.name']).execute(),
    db.selectFrom('bookings').select([eb => eb.fn.countAll<number>().as('bookings'), eb => eb.fn.sum<number>('quantity').as('tickets'), eb => eb.fn.sum<number>('total').as('revenue')])
      .where('status', '=', 'confirmed').executeTakeFirstOrThrow(),
    db.selectFrom('screenings').select(eb => eb.fn.countAll<number>().as('n')).where('starts_at', '>', now.toISOString()).where('cancelled_at', 'is', null).executeTakeFirstOrThrow(),
    db.selectFrom('users').select(eb => eb.fn.countAll<number>().as('n')).where('approved_at', 'is', null).where('deleted_at', 'is', null).executeTakeFirstOrThrow(),
    waitlistStats(db),
  ])
  const revenueByShow = new Map((await db.selectFrom('bookings as b').innerJoin('screenings as s', 's.id', 'b.screening_id')
    .select(['s.show_id', eb => eb.fn.sum<number>('b.total').as('revenue')])
    .where('b.status', '=', 'confirmed').groupBy('s.show_id').execute()).map(r => [r.show_id, Number(r.revenue ?? 0)]))

  const days = new Map<string, { tickets: number, revenue: number }>()
  for (let d = 29; d >= 0; d--) days.set(localDate(new Date(now.getTime() - d * 86_400_000), opts.timeZone), { tickets: 0, revenue: 0 })
  for (const b of recent) {
    const day = days.get(localDate(b.created_at, opts.timeZone))
    if (day) {
      day.tickets += b.quantity
      day.revenue += b.total
    }
  }
  const shows = perShow.map(r => ({
    id: r.id,
    name: r.name,
    tickets: Number(r.tickets ?? 0),
    revenue: revenueByShow.get(r.id) ?? 0,
    capacity: Number(r.capacity ?? 0),
    occupancy: Number(r.capacity) ? Math.round(Number(r.tickets ?? 0) / Number(r.capacity) * 1000) / 1000 : 0,
  })).sort((a, b) => b.revenue - a.revenue || b.tickets - a.tickets).slice(0, 15)

  return {
    totals: {
      tickets: Number(totals.tickets ?? 0),
      revenue: Number(totals.revenue ?? 0),
      bookings: Number(totals.bookings),
      upcomingScreenings: Number(upcoming.n),
      pendingUsers: Number(pending.n),
    },
    ticketsPerDay: [...days.entries()].map(([date, v]) => ({ date, ...v })),
    shows,
    waitlist,
  }
}
