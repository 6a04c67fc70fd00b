import { POSTER_FILE } from '../../domain/posters'

// Poster names change whenever a poster does, so they can be cached for a year.
export default defineEventHandler(async (event) => {
  assertMethod(event, ['GET', 'HEAD'])
  const file = getRouterParam(event, 'file') ?? ''
  if (!POSTER_FILE.test(file)) throw createError({ statusCode: 404, statusMessage: 'Not Found', message: 'No such poster' })
  const data = await usePosterStorage().getItemRaw<Buffer>(file)
  if (!data) throw createError({ statusCode: 404, statusMessage: 'Not Found', message: 'No such poster' })
  setResponseHeaders(event, {
    'Content-Type': 'image/webp',
    'Cache-Control': 'public, max-age=31536000, immutable',
    'X-Content-Type-Options': 'nosniff',
  })
  return data
})
