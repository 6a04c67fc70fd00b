#!/usr/bin/env node
// Holds STREAMS live streams open for bench/live/run.mjs, in a process of its own so that
// reading their events does not slow the bench's own load generator: they stand for
// browsers on other machines. Prints "ready" once every stream has had its first event, and
// holds them until killed. Usage: node holder.mjs URL STREAMS SCREENING_ID…
import { get } from 'node:http'

const [url, count, ...ids] = process.argv.slice(2)
const agentless = { agent: false }

/** A stream that only holds its connection and throws away what it gets. */
function holdStream(screeningId) {
  return new Promise((resolve, reject) => {
    const req = get(`${url}/api/screenings/${screeningId}/live`, agentless, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`live: ${res.statusCode}`))
      res.once('data', () => {
        res.resume()
        resolve()
      })
      res.on('error', () => {})
    })
    req.on('error', reject)
  })
}

const total = Number(count)
for (let i = 0; i < total; i += 50)
  await Promise.all(Array.from({ length: Math.min(50, total - i) }, (_, k) => holdStream(ids[(i + k) % ids.length])))
console.log('ready')
setInterval(() => {}, 1 << 30)
