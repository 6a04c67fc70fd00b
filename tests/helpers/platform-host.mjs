// A Vercel or Netlify "function instance" for tests/platforms/outputs.test.ts: a process that
// loads a built handler as the platform would, with the environment it was given.
//   vercel <entry>:  the default export is a Node (req, res) listener; it is served on a
//                    free port of 127.0.0.1, which the parent is told over IPC;
//   netlify <entry>: the default export takes a web Request and answers a Response; the
//                    parent sends requests over IPC and gets status, headers and body back.
import { createServer } from 'node:http'

const [kind, entry] = process.argv.slice(2)
const { default: handler } = await import(entry)
if (kind === 'vercel') {
  const server = createServer(handler)
  server.listen(0, '127.0.0.1', () => process.send({ ready: true, port: server.address().port }))
}
else {
  process.on('message', async ({ id, request }) => {
    try {
      const res = await handler(new Request(request.url, { method: request.method, headers: request.headers, body: request.body }))
      process.send({ id, result: { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() } })
    }
    catch (err) {
      process.send({ id, error: String(err?.stack ?? err) })
    }
  })
  process.send({ ready: true })
}
