import type { H3Event } from 'h3'

/** The compression the request's Accept-Encoding allows, brotli first, or undefined for none. */
export function acceptedEncoding(event: H3Event): 'br' | 'gzip' | undefined {
  const accepts = event.node.req.headers['accept-encoding'] ?? ''
  return /\bbr\b/.test(accepts) ? 'br' : /\bgzip\b/.test(accepts) ? 'gzip' : undefined
}
