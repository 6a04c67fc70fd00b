/**
 * Who is logged in, as the page may render it: nuxt-auth's status, except that while a page
 * whose server render skipped the session (the cached public pages) is still hydrating it
 * stays 'loading', as the server rendered it. nuxt-auth asks for the session once the app is
 * mounted, which on a page with async data is before the page itself hydrates: rendering its
 * answer straight away made Vue hydrate "logged in" (or "log in to book") over the server's
 * "not known yet" and throw the server's nodes away.
 */
export function useAuthStatus() {
  const { status } = useAuth()
  const skippedOnServer = import.meta.client && useNuxtApp().$sessionSkippedOnServer
  const mounted = useMounted()
  return computed(() => skippedOnServer && !mounted.value ? 'loading' : status.value)
}
