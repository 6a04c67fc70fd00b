import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import type { AnswerForms } from '../utils/shared-answer'

// Compression of what the server makes per request (the API's JSON, pages that are not
// cached), as the browser accepts: brotli at quality 2 or gzip at level 3, each about 0.2 ms
// for the home page's 66 KB (quality 4 took 0.5 ms for 7% fewer bytes, level 6 0.6 ms for
// 8%). The cached public pages carry bodies compressed once (utils/page-cache.ts), and the
// built assets are compressed at build time (nuxt.config.ts, nitro.compressPublicAssets). Not h3-compression: it compresses brotli at quality 11, with
// no way to lower it, some ten times slower.

const COMPRESSIBLE = /^(?:text\/|application\/(?:json|javascript|xml)|image\/svg\+xml)/i
const MIN_BYTES = 1024

export default defineNitroPlugin((nitroApp) => {
  // Serverless platforms compress at their edge, and their handlers pass bodies on as text.
  if (isServerless()) return
  nitroApp.hooks.hook('beforeResponse', (event, response) => {
    // An internal request (Nuxt's render of the error page, the page cache's render) is read
    // back as text by its caller, which compresses what it finally sends.
    if (event.node.res.headersSent || getResponseHeader(event, 'content-encoding') || isInternalRequest(event)) return
    const encoding = acceptedEncoding(event)
    if (!encoding) return
    let body = response.body
    let shared: AnswerForms | undefined
    // h3 would serialise an object or array as JSON after this hook: do it now (once, for an
    // answer that many requests share).
    if (body !== null && typeof body === 'object' && !(body instanceof Uint8Array) && (Array.isArray(body) || Object.getPrototypeOf(body) === Object.prototype)) {
      shared = sharedForms(body)
      body = shared ? (shared.json ??= JSON.stringify(body)) : JSON.stringify(body)
      response.body = body
      if (!getResponseHeader(event, 'content-type')) setResponseHeader(event, 'Content-Type', 'application/json')
    }
    if (typeof body !== 'string' && !(body instanceof Uint8Array)) return
    const type = String(getResponseHeader(event, 'content-type') ?? (typeof body === 'string' ? 'text/html' : ''))
    if (!COMPRESSIBLE.test(type)) return
    let packed = shared?.[encoding]
    if (!packed) {
      const raw = Buffer.from(body)
      if (raw.length < MIN_BYTES) return
      packed = encoding === 'br'
        ? brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 2, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } })
        : gzipSync(raw, { level: 3 })
      if (shared) shared[encoding] = packed
    }
    response.body = packed
    setResponseHeader(event, 'Content-Encoding', encoding)
    appendResponseHeader(event, 'Vary', 'Accept-Encoding')
    removeResponseHeader(event, 'Content-Length')
  })
})
