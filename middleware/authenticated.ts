// Pages for logged-in people: anyone else is sent to log in and brought back afterwards.
export default defineNuxtRouteMiddleware((to) => {
  const { status } = useAuth()
  if (status.value !== 'authenticated')
    return navigateTo({ path: '/login', query: { redirect: to.fullPath } })
})
