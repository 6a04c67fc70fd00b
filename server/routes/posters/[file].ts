import { NotFound } from '~~/server/domain/errors'

// Poster names change whenever a poster does, so they can be cached for a year.
export default defineEventHandler(async (event) => {
  assertMethod(event, ['GET', 'HEAD'])
  const file = getRouterParam(event, 'file') ?? ''
  const data = await readPoster(file)
  if (!data) throw new NotFound('No such poster')
  setResponseHeaders(event, {
    'Content-Type': 'image/webp',
    'Cache-Control': 'public, max-age=31536000, immutable',
    'X-Content-Type-Options': 'nosniff',
  })
  return data
})
