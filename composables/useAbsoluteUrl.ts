/**
 * Absolute URLs for root-relative paths, as Open Graph needs: on the configured public site
 * URL when there is one, else on the origin the page was requested from.
 */
export function useAbsoluteUrl() {
  const site = String(useRuntimeConfig().public.siteUrl ?? '').replace(/\/+$/, '')
  const origin = site || useRequestURL().origin
  return (path: string) => new URL(path, `${origin}/`).toString()
}
