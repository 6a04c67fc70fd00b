/** What the catalogue can be narrowed by (GET /api/filters). */
export interface FilterOptions {
  cities: string[]
  tags: { tag: string, count: number }[]
}

/**
 * The cities and tags there are, for the home page's filters and the header's city picker:
 * one call, one key, so both share a single fetch. Server rendering waits for it; in the
 * browser it fills in when it comes.
 */
export function useFilterOptions() {
  return useApiFetch<FilterOptions>('/api/filters', {
    key: 'filter-options',
    default: () => ({ cities: [], tags: [] }),
    lazy: import.meta.client,
  })
}
