/**
 * Shows the app's 404 page when the API answered 404 for what this page is about: thrown
 * during server rendering (so the response status is 404) and raised in the browser when
 * the data arrives after a client-side navigation.
 */
export function useNotFound(error: Ref<{ statusCode?: number } | null | undefined>, message: string) {
  const notFound = () => createError({ statusCode: 404, statusMessage: 'Not Found', message, fatal: true })
  if (error.value?.statusCode === 404) throw notFound()
  watch(error, (e) => {
    if (e?.statusCode === 404) showError(notFound())
  })
}
