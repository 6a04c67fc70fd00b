import { afterAll, describe, expect, it } from 'vitest'
import { startServer } from '../helpers/server'
import type { TestServer } from '../helpers/server'

// The headers pages and the API go out with: a strict CSP, no X-Powered-By, HSTS and a
// Secure session cookie over HTTPS.

const servers: TestServer[] = []
afterAll(() => Promise.all(servers.map(s => s.stop())))

async function serve(env: Record<string, string> = {}) {
  const server = await startServer({ env })
  servers.push(server)
  return server
}

/** The directives of a CSP header, by name. */
function directives(csp: string): Map<string, string[]> {
  return new Map(csp.split(';').map(d => d.trim()).filter(Boolean).map((d) => {
    const [name, ...values] = d.split(/\s+/)
    return [name!, values]
  }))
}

describe('HTML pages', () => {
  it('carry a strict CSP whose nonce every script has, and nothing that names the framework', async () => {
    const server = await serve()
    // The API docs are a page under /api, whose answers otherwise carry no CSP and need no nonce.
    for (const path of ['/', '/login', '/register', '/api/docs']) {
      const res = await fetch(server.url + path, { headers: { accept: 'text/html' } })
      expect(res.status).toBe(200)
      const csp = directives(res.headers.get('content-security-policy') ?? '')
      const script = csp.get('script-src') ?? []
      expect(script).toContain('\'strict-dynamic\'')
      expect(script).not.toContain('\'unsafe-inline\'')
      expect(script).not.toContain('\'unsafe-eval\'')
      const nonce = script.find(v => v.startsWith('\'nonce-'))?.slice(7, -1)
      expect(nonce, path).toMatch(/^[\w+/=-]{16,}$/)
      expect(csp.get('object-src')).toEqual(['\'none\''])
      expect(csp.get('base-uri')).toEqual(['\'none\''])
      expect(csp.get('frame-ancestors')).toEqual(['\'none\''])
      expect(csp.get('script-src-attr')).toEqual(['\'none\''])
      const html = await res.text()
      const scripts = html.match(/<script\b[^>]*>/g) ?? []
      expect(scripts.length).toBeGreaterThan(0)
      for (const tag of scripts) expect(tag, path).toContain(`nonce="${nonce}"`)
      expect(res.headers.get('x-powered-by')).toBeNull()
      expect(res.headers.get('x-frame-options')).toBe('DENY')
      expect(res.headers.get('strict-transport-security')).toBeNull()
    }
  })

  it('get a new nonce on every response', async () => {
    const server = await serve()
    const nonces = await Promise.all([1, 2, 3].map(async () => (await fetch(`${server.url}/login`)).headers.get('content-security-policy')!.match(/'nonce-([^']+)'/)![1]))
    expect(new Set(nonces).size).toBe(3)
  })

  it('follow each route\'s own rules: the door scanner may use the camera, no other page may', async () => {
    const server = await serve()
    // Not following redirects: /staff sends a visitor who is not logged in to /login.
    const policy = async (path: string) => (await fetch(server.url + path, { headers: { accept: 'text/html' }, redirect: 'manual' })).headers.get('permissions-policy') ?? ''
    // Twice each, and interleaved: the rules are worked out once per route and kept.
    for (let round = 0; round < 2; round++) {
      expect(await policy('/staff/checkin')).toContain('camera=(self)')
      for (const path of ['/', '/login', '/shows/1', '/api/docs']) expect(await policy(path), path).toContain('camera=()')
    }
  })
})

describe('over HTTPS (NUXT_PUBLIC_SITE_URL https://…)', () => {
  it('sends HSTS for a year and marks the session cookie Secure and SameSite=Lax', async () => {
    const server = await serve({ NUXT_PUBLIC_SITE_URL: 'https://tickets.example' })
    for (const path of ['/', '/api/health']) {
      const hsts = (await fetch(server.url + path)).headers.get('strict-transport-security') ?? ''
      expect(Number(/max-age=(\d+)/.exec(hsts)?.[1])).toBeGreaterThanOrEqual(31_536_000)
      expect(hsts).toContain('includeSubDomains')
    }
    // nuxt-auth writes the cookie in the browser from the config the page carries.
    const html = await (await fetch(`${server.url}/login`)).text()
    const token = /token:\{[^}]*\}/.exec(html)?.[0] ?? ''
    expect(token).toContain('cookieName:"auth.token"')
    expect(token).toContain('secureCookieAttribute:true')
    expect(token).toContain('sameSiteAttribute:"lax"')
  })
})

describe('the API', () => {
  it('sends no X-Powered-By and is never cached', async () => {
    const server = await serve()
    const res = await fetch(`${server.url}/api/shows`)
    expect(res.headers.get('x-powered-by')).toBeNull()
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
  })
})
