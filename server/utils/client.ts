import type { H3Event } from 'h3'
import proxyaddr from 'proxy-addr'

// Who is asking, for rate limits: the peer's address, or, when the peer is a proxy listed
// in NUXT_TRUSTED_PROXIES (addresses, CIDRs, or proxy-addr's names such as `loopback`),
// the address that proxy saw in X-Forwarded-For (proxies listed are skipped from the
// right). With the list empty (the default) X-Forwarded-For is never believed, so nobody
// can pose as another address, or lock a username out for everybody behind one proxy.

let trust: ((addr: string, i: number) => boolean) | undefined

function trusted(): (addr: string, i: number) => boolean {
  if (!trust) {
    const list = String(useRuntimeConfig().trustedProxies ?? '').split(',').map(s => s.trim()).filter(Boolean)
    trust = proxyaddr.compile(list)
  }
  return trust
}

/**
 * What a serverless entry (server/entries/) hands each request from the platform: Nitro
 * keeps it as `req.__unenv__`. A request the server makes to itself has none.
 */
export interface PlatformRequest {
  platformRequest: true
  /** the client's address as the platform saw it (API Gateway's sourceIp, Netlify's header) */
  clientIp?: string
}

function platformRequest(event: H3Event): PlatformRequest | undefined {
  const context = (event.node.req as { __unenv__?: Partial<PlatformRequest> }).__unenv__
  return context?.platformRequest ? context as PlatformRequest : undefined
}

/** The client's address, as far as the trusted proxies vouch for it; `unknown` when there is none. */
export function clientIp(event: H3Event): string {
  const platform = platformRequest(event)
  if (platform) return platform.clientIp || 'unknown'
  const req = event.node.req
  const remoteAddress = req.socket?.remoteAddress
  if (!remoteAddress) return 'unknown'
  // proxy-addr reads the peer from req.connection, which not every runtime's request has.
  return proxyaddr({ connection: { remoteAddress }, headers: req.headers } as Parameters<typeof proxyaddr>[0], trusted())
}

/**
 * True for a request the server makes to itself (Nitro's local fetch: a page's data while it
 * renders, the page cache's render): it has no network socket, only unenv's stand-in, and
 * did not come from a platform's handler (on AWS Lambda and Netlify every request has the
 * stand-in; their entries mark what the platform sent).
 */
export function isInternalRequest(event: H3Event): boolean {
  return Boolean((event.node.req.socket as { __unenv__?: unknown } | null | undefined)?.__unenv__) && !platformRequest(event)
}
