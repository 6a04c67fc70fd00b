let doc: ReturnType<typeof buildOpenApi> | undefined

export default defineEventHandler(() => {
  doc ??= buildOpenApi(useRuntimeConfig().public.siteUrl)
  return doc
})
