import type { LocationQuery, LocationQueryRaw } from 'vue-router'

export interface ShowFilters {
  q: string
  city: string
  tag: string
  /** YYYY-MM-DD, a calendar day in the venue's timezone. */
  date: string
  minRating: number | null
  page: number
}

function first(value: LocationQuery[string] | undefined): string {
  const v = Array.isArray(value) ? value[0] : value
  return typeof v === 'string' ? v.trim() : ''
}

/** The home page's filters as read from a URL query; anything malformed reads as unset. */
export function filtersFromQuery(query: LocationQuery): ShowFilters {
  const date = first(query.date)
  const rating = Number(first(query.minRating))
  const page = Number(first(query.page))
  return {
    q: first(query.q).slice(0, 100),
    city: first(query.city).slice(0, 120),
    tag: first(query.tag).toLowerCase().slice(0, 40),
    date: /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : '',
    minRating: first(query.minRating) && rating >= 0 && rating <= 10 ? rating : null,
    page: Number.isInteger(page) && page > 1 ? page : 1,
  }
}

/** The URL query for some filters, leaving out what is unset so links stay short. */
export function queryFromFilters(f: ShowFilters): LocationQueryRaw {
  const query: LocationQueryRaw = {}
  if (f.q) query.q = f.q
  if (f.city) query.city = f.city
  if (f.date) query.date = f.date
  if (f.tag) query.tag = f.tag
  if (f.minRating !== null) query.minRating = String(f.minRating)
  if (f.page > 1) query.page = String(f.page)
  return query
}

/**
 * The home page's filters, living in the URL query so links, reload and back all work and the
 * server renders the filtered list. Changing a filter goes back to page 1.
 */
export function useShowFilters() {
  const route = useRoute()
  const router = useRouter()
  const filters = computed(() => filtersFromQuery(route.query))
  const active = computed(() => {
    const f = filters.value
    return Boolean(f.q || f.city || f.tag || f.date || f.minRating !== null)
  })

  function update(patch: Partial<ShowFilters>, opts: { replace?: boolean } = {}) {
    const next = { ...filters.value, page: 1, ...patch }
    return router[opts.replace ? 'replace' : 'push']({ path: route.path, query: queryFromFilters(next) })
  }

  function clear() {
    return router.push({ path: route.path, query: {} })
  }

  function pageLink(page: number) {
    return { path: route.path, query: queryFromFilters({ ...filters.value, page }) }
  }

  return { filters, active, update, clear, pageLink }
}

/** A calendar day (YYYY-MM-DD) plus some days, by the calendar alone. */
export function addDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number]
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10)
}
