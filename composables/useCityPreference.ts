/** Where the browser keeps the visitor's city. */
export const CITY_STORAGE_KEY = 'ticketshow:city'

/**
 * The city the visitor chose ('' for all cities), remembered in this browser only.
 *
 * Public pages come from a page cache shared by everybody (server/utils/page-cache.ts), so
 * the server always renders "all cities", and the remembered city is read only once the page
 * has hydrated (`initOnMounted`): the first paint matches the server's, then `known` turns
 * true and the pages that follow the city apply it. One instance serves the header and the
 * page alike, and a choice made in another tab arrives through the storage event.
 */
export const useCityPreference = createSharedComposable(() => {
  const city = useLocalStorage(CITY_STORAGE_KEY, '', { initOnMounted: true, writeDefaults: false })
  const known = ref(false)
  // Registered after useLocalStorage's own, so it runs once the value has been read.
  tryOnMounted(() => {
    known.value = true
  })
  return { city, known }
})

/** Whether two spellings name one city (the catalogue's city filter ignores case too). */
export function sameCity(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase()
}
