// Admin pages: a visitor is sent to log in, a non-admin sees 403. The server enforces
// the same rule on every admin API call; this only keeps people off pages they cannot use.
export default defineNuxtRouteMiddleware((to) => {
  const { status, data } = useAuth()
  if (status.value !== 'authenticated' || !data.value)
    return navigateTo({ path: '/login', query: { redirect: to.fullPath } })
  if (data.value.role !== 'admin')
    return abortNavigation(createError({ statusCode: 403, statusMessage: 'Forbidden', message: 'This page is for admins only.' }))
})
