import type { Page } from '#shared/types/api'

/** The page number of an admin table, kept in the URL (`?page=2`; page 1 is no parameter). */
export function useListPage() {
  const route = useRoute()
  const router = useRouter()
  return computed({
    get: () => Math.max(1, Number(route.query.page) || 1),
    set: (value: number) => router.replace({ query: { ...route.query, page: value > 1 ? value : undefined } }),
  })
}

/**
 * The search and page number of an admin table, kept in the URL (`?q=`, `?page=`) so a
 * reload or a shared link shows the same rows. A new search starts again from page 1.
 */
export function useAdminList() {
  const route = useRoute()
  const router = useRouter()

  const q = computed(() => (typeof route.query.q === 'string' ? route.query.q : ''))
  const page = useListPage()

  function search(text: string) {
    router.replace({ query: { ...route.query, q: text || undefined, page: undefined } })
  }

  return { q, page, search, clearSearch: () => search('') }
}

/**
 * What is typed in an admin table's search box: it applies to the URL after a pause in
 * typing, and follows the URL when that changes otherwise (a link, Back, a cleared search).
 */
export function useSearchBox() {
  const { q, search } = useAdminList()
  const text = ref(q.value)
  watchDebounced(text, (value) => {
    const words = value.trim()
    if (words !== q.value) search(words)
  }, { debounce: 300 })
  watch(q, (value) => {
    if (value !== text.value.trim()) text.value = value
  })
  return text
}

/** The rows of a searchable admin table from `url`, 20 a page, as the URL's search and page say. */
export async function useAdminSearchList<T>(url: string, query: Record<string, unknown> = {}) {
  const { q, page, clearSearch } = useAdminList()
  const list = await useApiFetch<Page<T>>(url, {
    query: { ...query, q: computed(() => q.value || undefined), page, pageSize: 20 },
    lazy: true,
  })
  return { q, clearSearch, list }
}
