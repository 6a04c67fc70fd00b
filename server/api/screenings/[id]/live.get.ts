import type { ServerResponse } from 'node:http'
import type { H3Event } from 'h3'
import { IdParamSchema } from '#shared/schemas/common'
import { getScreening } from '~~/server/domain/catalog'

// The live seat map, as Server-Sent Events: a `seats` event of {taken, held} on connect,
// then a `change` event of {taken, freed, held, released} whenever they change on any
// instance (utils/live.ts). A `ping` every 25 s keeps proxies from taking the stream for
// idle. The page falls back to polling GET /api/screenings/{id} whenever the stream is down.
//
// On Node (node-server, node-cluster) each event goes straight to the socket, the same bytes
// for every stream of a screening: a thousand open maps cost a write each per event, not a
// web stream's chain of promises. A stream that cannot keep up (a megabyte not yet sent)
// is closed; the page reconnects or polls. Serverless platforms get h3's event stream.
const KEEPALIVE_MS = 25_000
const MAX_BACKLOG = 1 << 20
const PING = Buffer.from('event: ping\ndata: \n\n')

const frame = (name: string, json: string) => `event: ${name}\ndata: ${json}\n\n`

export default defineEventHandler(async (event) => {
  const { id } = getValidParams(event, IdParamSchema)
  await getScreening(useDb(), id)
  if (isStopping()) throw createError({ statusCode: 503, statusMessage: 'Service Unavailable', message: 'The server is stopping; try again in a moment' })
  setResponseHeader(event, 'X-Accel-Buffering', 'no')
  return isServerless() ? webStream(event, id) : nodeStream(event, id, event.node.res)
})

async function nodeStream(event: H3Event, id: number, res: ServerResponse) {
  /** stops following the seats, once following them */
  let unsubscribe = () => {}
  let closed = false
  const end = () => {
    if (!res.writableEnded) res.end()
  }
  const write = (bytes: Buffer | string) => {
    if (closed) return
    if (res.writableLength > MAX_BACKLOG) res.destroy()
    else res.write(bytes)
  }
  const done = new Promise<void>(resolve => res.once('close', () => {
    closed = true
    clearInterval(keepalive)
    unsubscribe()
    resolve()
  }))
  const keepalive = setInterval(() => write(PING), KEEPALIVE_MS)
  // Changes that come before the snapshot is sent wait for it.
  let sent = false
  const waiting: Buffer[] = []
  const followed = await subscribeSeats(id, change => sent ? write(change.frame) : waiting.push(change.frame), end)
  unsubscribe = followed.unsubscribe
  if (closed) followed.unsubscribe()
  setResponseHeaders(event, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', 'Connection': 'keep-alive' })
  res.writeHead(200)
  write(frame('seats', JSON.stringify(followed.snapshot)))
  sent = true
  for (const bytes of waiting) write(bytes)
  await done
}

async function webStream(event: H3Event, id: number) {
  const stream = createEventStream(event)
  let closed = false
  /** stops following the seats, once following them */
  let unsubscribe = () => {}
  const keepalive = setInterval(() => void stream.push({ event: 'ping', data: '' }).catch(() => {}), KEEPALIVE_MS)
  stream.onClosed(() => {
    closed = true
    clearInterval(keepalive)
    unsubscribe()
  })
  let sent = false
  const waiting: string[] = []
  const followed = await subscribeSeats(id, (change) => {
    if (sent) void stream.push({ event: 'change', data: change.json }).catch(() => {})
    else waiting.push(change.json)
  }, () => void stream.close())
  unsubscribe = followed.unsubscribe
  if (closed) followed.unsubscribe()
  void stream.push({ event: 'seats', data: JSON.stringify(followed.snapshot) })
  sent = true
  for (const json of waiting) void stream.push({ event: 'change', data: json }).catch(() => {})
  return stream.send()
}
