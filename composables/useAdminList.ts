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
 * The search box and page number of an admin table, kept in the URL so a reload or a
 * shared link shows the same rows. The search waits for a pause in typing.
 */
export function useAdminList() {
  const route = useRoute()
  const router = useRouter()

  const q = computed(() => (typeof route.query.q === 'string' ? route.query.q : ''))
  const page = useListPage()

  const search = ref(q.value)
  watchDebounced(search, (value) => {
    const text = value.trim()
    if (text === q.value) return
    router.replace({ query: { ...route.query, q: text || undefined, page: undefined } })
  }, { debounce: 300 })
  watch(q, (value) => {
    if (value !== search.value.trim()) search.value = value
  })

  function clearSearch() {
    search.value = ''
    router.replace({ query: { ...route.query, q: undefined, page: undefined } })
  }

  return { q, page, search, clearSearch }
}
