import type { ServerResponse } from 'node:http'
import type { H3Event } from 'h3'
import { IdParamSchema } from '#shared/schemas/common'
import { getScreening } from '~~/server/domain/catalog'
import type { ChangeEvent } from '~~/server/utils/live-seats'

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

/** Where one stream's events go: the snapshot, each change, a ping; `end` closes it. */
interface Sink {
  snapshot: (json: string) => void
  change: (change: ChangeEvent) => void
  ping: () => void
  end: () => void
}

/**
 * Follows the screening's seats into `sink` until `onClosed` fires: the snapshot first,
 * then each change (changes that come before the snapshot is sent wait for it), and a ping
 * every 25 s.
 */
async function follow(id: number, sink: Sink, onClosed: (cb: () => void) => void): Promise<void> {
  let closed = false
  /** stops following the seats, once following them */
  let unsubscribe = () => {}
  const keepalive = setInterval(sink.ping, KEEPALIVE_MS)
  onClosed(() => {
    closed = true
    clearInterval(keepalive)
    unsubscribe()
  })
  let sent = false
  const waiting: ChangeEvent[] = []
  const followed = await subscribeSeats(id, change => sent ? sink.change(change) : waiting.push(change), sink.end)
  unsubscribe = followed.unsubscribe
  if (closed) followed.unsubscribe()
  sink.snapshot(JSON.stringify(followed.snapshot))
  sent = true
  for (const change of waiting) sink.change(change)
}

async function nodeStream(event: H3Event, id: number, res: ServerResponse) {
  const write = (bytes: Buffer | string) => {
    if (res.destroyed || res.writableEnded) return
    if (res.writableLength > MAX_BACKLOG) res.destroy()
    else res.write(bytes)
  }
  const done = new Promise<void>(resolve => res.once('close', resolve))
  await follow(id, {
    snapshot: (json) => {
      setResponseHeaders(event, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', 'Connection': 'keep-alive' })
      res.writeHead(200)
      write(frame('seats', json))
    },
    change: change => write(change.frame),
    ping: () => write(PING),
    end: () => {
      if (!res.writableEnded) res.end()
    },
  }, cb => void done.then(cb))
  await done
}

async function webStream(event: H3Event, id: number) {
  const stream = createEventStream(event)
  const push = (name: string, data: string) => void stream.push({ event: name, data }).catch(() => {})
  await follow(id, {
    snapshot: json => push('seats', json),
    change: change => push('change', change.json),
    ping: () => push('ping', ''),
    end: () => void stream.close(),
  }, cb => stream.onClosed(cb))
  return stream.send()
}
