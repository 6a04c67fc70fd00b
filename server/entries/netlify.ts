// The Netlify Functions entry (modules/platforms.ts puts it in place of Nitro's own): as
// Nitro's, but each request is marked as the platform's (utils/client.ts), so the rate
// limits apply to it, per the client address Netlify puts in x-nf-client-connection-ip.
// The scheduled ticks are functions of their own that modules/platforms.ts writes.
import { useNitroApp } from 'nitropack/runtime'
import { joinHeaders, normalizeCookieHeader } from 'nitropack/runtime/internal/utils'
import type { PlatformRequest } from '../utils/client'

const nitroApp = useNitroApp()

export default async function handler(req: Request): Promise<Response> {
  const url = new URL(req.url)
  const platform: PlatformRequest = { platformRequest: true, clientIp: req.headers.get('x-nf-client-connection-ip') ?? undefined }
  const r = await nitroApp.localCall({
    url: `${url.pathname}${url.search}`,
    context: platform,
    headers: req.headers,
    method: req.method,
    body: req.body,
  } as unknown as Parameters<typeof nitroApp.localCall>[0])
  const headers = new Headers()
  for (const [name, value] of Object.entries(r.headers)) {
    if (name === 'set-cookie') for (const cookie of normalizeCookieHeader(value as string)) headers.append('set-cookie', cookie)
    else if (value !== undefined) headers.set(name, joinHeaders(value as string | string[]))
  }
  return new Response(r.body as BodyInit, { status: r.status, headers })
}
