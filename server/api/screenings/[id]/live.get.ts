import { IdParamSchema } from '#shared/schemas/common'
import { getScreening } from '~~/server/domain/catalog'

// The live seat map, as Server-Sent Events: a `seats` event of {taken, held} on connect,
// then a `change` event of {taken, freed, held, released} whenever they change on any
// instance (utils/live.ts). A `ping` every
// 25 s keeps proxies from taking the stream for idle. The page falls back to polling
// GET /api/screenings/{id} whenever the stream is down.
const KEEPALIVE_MS = 25_000

export default defineEventHandler(async (event) => {
  const { id } = getValidParams(event, IdParamSchema)
  await getScreening(useDb(), id)
  if (isStopping()) throw createError({ statusCode: 503, statusMessage: 'Service Unavailable', message: 'The server is stopping; try again in a moment' })
  setResponseHeader(event, 'X-Accel-Buffering', 'no')
  const stream = createEventStream(event)
  const snapshot = await readSeatState(useDb(), id)
  void stream.push({ event: 'seats', data: JSON.stringify(snapshot) })
  const unsubscribe = subscribeSeats(id, snapshot, json => void stream.push({ event: 'change', data: json }).catch(() => {}), () => void stream.close())
  const keepalive = setInterval(() => void stream.push({ event: 'ping', data: '' }).catch(() => {}), KEEPALIVE_MS)
  stream.onClosed(() => {
    clearInterval(keepalive)
    unsubscribe()
  })
  return stream.send()
})
