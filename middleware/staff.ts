// Door pages (/staff/checkin): staff and admins. A visitor is sent to log in, anyone else
// sees 403; the server enforces the same rule on every check-in call.
export default defineNuxtRouteMiddleware((to) => {
  const { status, data } = useAuth()
  if (status.value !== 'authenticated' || !data.value)
    return navigateTo({ path: '/login', query: { redirect: to.fullPath } })
  if (data.value.role !== 'admin' && data.value.role !== 'staff')
    return abortNavigation(createError({ statusCode: 403, statusMessage: 'Forbidden', message: 'This page is for door staff and admins only.' }))
})
