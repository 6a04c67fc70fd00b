import type { Page, WaitlistEntry } from '#shared/types/api'

/**
 * One's own waiting lists (GET /api/waitlist), read in the browser once logged in (pages
 * showing them come from the cache, where nobody is), and leaving one. `forScreening`
 * narrows them to one screening's entry.
 */
export function useWaitlist(options: { forScreening?: number } = {}) {
  const { $api } = useNuxtApp()
  const authStatus = useAuthStatus()
  const { data, refresh, status } = useApiFetch<Page<WaitlistEntry>>('/api/waitlist', { server: false, immediate: false, watch: false })
  watch(authStatus, (s) => {
    if (s === 'authenticated') void refresh()
  }, { immediate: import.meta.client })
  const entries = computed(() => data.value?.items ?? [])
  const entry = computed(() => options.forScreening === undefined ? null : entries.value.find(e => e.screening.id === options.forScreening) ?? null)

  /** Takes one off a list (declining an offer passes its seats on at once). */
  async function leave(e: WaitlistEntry) {
    await $api(`/api/waitlist/${e.id}`, { method: 'DELETE' })
    await refresh()
  }
  return { entries, entry, status, refresh, leave }
}

/** The link that opens a screening with the seats offered to this person chosen (as the offer email's). */
export const offerPath = (e: WaitlistEntry) => `/screenings/${e.screening.id}?seats=${e.offer?.seats.join(',') ?? ''}&offer=${e.id}`
