import { MAX_POSTER_BYTES } from '~~/server/domain/catalog'

// Limits before work: a request body is refused on its declared size, before anything
// reads it. JSON bodies may be 64 KB (the largest real one, a show with a long
// description and twenty tags, is about 6 KB); a poster upload 5 MB plus its multipart
// envelope. A body must declare its size: Node then reads no more than Content-Length
// says, so the declared size bounds what is read. Bodies sent without one (chunked) are 411.

export const JSON_BODY_LIMIT = 64 * 1024
const POSTER_BODY_LIMIT = MAX_POSTER_BYTES + 64 * 1024
const POSTER_ROUTE = /^\/api\/shows\/[^/]+\/poster\/?(?:\?|$)/

const kb = (bytes: number) => `${Math.round(bytes / 1024)} KB`

export default defineEventHandler((event) => {
  if (event.method === 'GET' || event.method === 'HEAD' || event.method === 'OPTIONS') return
  const limit = POSTER_ROUTE.test(event.path) ? POSTER_BODY_LIMIT : JSON_BODY_LIMIT
  const declared = getRequestHeader(event, 'content-length')
  if (declared === undefined) {
    if (getRequestHeader(event, 'transfer-encoding')) throw httpError(411, 'Send the request body with a Content-Length')
    return
  }
  const length = Number(declared)
  if (!Number.isSafeInteger(length) || length < 0) throw httpError(400, 'The Content-Length is not a number of bytes')
  if (length > limit) throw httpError(413, limit === JSON_BODY_LIMIT ? `The request body may be at most ${kb(limit)}` : 'The poster may be at most 5 MB')
})
