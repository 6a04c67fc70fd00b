/**
 * `$api`: `$fetch` for the TicketShow API, sending the session's bearer token when there is
 * one. The API never authenticates by cookie, so server rendering sends it too (the token is
 * read from the session cookie there). `useApiFetch` is the `useFetch` built on it.
 */
export default defineNuxtPlugin(() => {
  const { token } = useAuth()
  const api = $fetch.create({
    onRequest({ options }) {
      if (token.value) options.headers.set('Authorization', token.value)
    },
  })
  return { provide: { api } }
})
