import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SignJWT, base64url, decodeJwt, decodeProtectedHeader } from 'jose'
import { describe, expect, it } from 'vitest'
import { ADMIN, createApprovedUser, login, startServer, useTestServer } from '../helpers/server'
import { unique } from '../helpers/fixtures'
import type { TestServer } from '../helpers/server'
import { TEST_DATABASE_URL, createPgDatabase } from '../helpers/pg'

const PASSWORD = 'correct-horse-battery'

function credentials(username = unique()) {
  return { username, email: `${username.toLowerCase()}@example.test`, password: PASSWORD }
}

const nowSeconds = () => Math.floor(Date.now() / 1000)

/** Signs a token as the server would (HS256), with whatever claims and key we choose. */
function forge(secret: string, claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(secret))
}

function reencode(value: unknown): string {
  return base64url.encode(JSON.stringify(value))
}

/** Resolves with the exit code once the process has exited and its output is read. */
function exitOf(server: TestServer, timeoutMs = 20_000): Promise<number | null> {
  const child = server.process
  if (child.exitCode !== null && child.stdout!.closed && child.stderr!.closed) return Promise.resolve(child.exitCode)
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server is still running:\n${server.output()}`)), timeoutMs)
    child.once('close', (code) => {
      clearTimeout(timer)
      resolve(code)
    })
  })
}

/** Waits until the server has printed text matching the pattern (stdout may lag behind HTTP). */
async function waitForOutput(server: TestServer, pattern: RegExp, timeoutMs = 5000): Promise<string> {
  for (const deadline = Date.now() + timeoutMs; !pattern.test(server.output());) {
    if (Date.now() > deadline) throw new Error(`the server never printed ${pattern}:\n${server.output()}`)
    await new Promise(r => setTimeout(r, 50))
  }
  return server.output()
}

let server: TestServer
let adminToken: string
let secret: string

// No NUXT_AUTH_SECRET: the server generates one into its data dir, which the tests read
// to forge tokens the server would accept but for the one thing each test changes.
useTestServer((ready) => {
  ({ server, adminToken } = ready)
  secret = readFileSync(join(server.dataDir, 'auth-secret'), 'utf8').trim()
})

describe('POST /api/auth/register', () => {
  it('answers 201 {user} waiting for approval, with no password or hash in the reply', async () => {
    const username = unique('New')
    const res = await server.request('POST', '/api/auth/register', { body: { username, email: `  ${username}@Example.TEST `, password: PASSWORD } })
    expect(res.status).toBe(201)
    expect(res.body).toEqual({
      user: {
        id: expect.any(Number),
        username,
        email: `${username.toLowerCase()}@example.test`,
        role: 'user',
        approved: false,
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
      },
    })
    const text = JSON.stringify(res.body)
    expect(text).not.toContain(PASSWORD)
    expect(text).not.toMatch(/argon2|hash/i)
  })

  it.each([
    ['a username under 3 characters', { username: 'ab' }, 'username'],
    ['a username over 32 characters', { username: 'x'.repeat(33) }, 'username'],
    ['a username with a space', { username: 'two words' }, 'username'],
    ['a username with non-ASCII letters', { username: 'zoë-user' }, 'username'],
    ['an email that is not one', { email: 'not-an-email' }, 'email'],
    ['a 7-character password', { password: 'x'.repeat(7) }, 'password'],
    ['a 129-character password', { password: 'x'.repeat(129) }, 'password'],
    ['a number for the username', { username: 12345 }, 'username'],
    ['a number for the password', { password: 12345678 }, 'password'],
    ['a string for the email opt-in', { emailOptIn: 'yes' }, 'emailOptIn'],
    ['no password', { password: undefined }, 'password'],
  ])('answers 400 with data.issues for %s, and creates nobody', async (_, change, field) => {
    const good = credentials()
    const res = await server.request('POST', '/api/auth/register', { body: { ...good, ...change } })
    expect(res.status).toBe(400)
    expect(res.body.data.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: [field], message: expect.any(String) })]))
    // Nothing was created: the same name and email register fine afterwards.
    const retry = await server.request('POST', '/api/auth/register', { body: good })
    expect(retry.status).toBe(201)
  })

  it.each([8, 128])('accepts a %i-character password, which then logs in', async (length) => {
    const user = { ...credentials(), password: 'p'.repeat(length - 1) + '!' }
    const reg = await server.request('POST', '/api/auth/register', { body: user })
    expect(reg.status).toBe(201)
    await server.request('POST', `/api/users/${reg.body.user.id}/approve`, { token: adminToken })
    const res = await server.request('POST', '/api/auth/login', { body: { username: user.username, password: user.password } })
    expect(res.status).toBe(200)
  })

  it.each([
    ['broken JSON', 'application/json', '{"username": "x",'],
    ['plain text', 'text/plain', 'hello'],
    ['a form post', 'application/x-www-form-urlencoded', 'USERNAME_EMAIL_PASSWORD'],
    ['an empty body', 'application/json', ''],
    ['JSON sent without a content type', undefined, 'GOOD_JSON_BYTES'],
    ['JSON sent as plain text', 'text/plain', 'GOOD_JSON'],
  ])('answers 400 for %s instead of JSON, and creates nobody', async (_, type, raw) => {
    const good = credentials()
    const body = raw === 'USERNAME_EMAIL_PASSWORD'
      ? new URLSearchParams(good).toString()
      : raw === 'GOOD_JSON' ? JSON.stringify(good) : raw === 'GOOD_JSON_BYTES' ? new TextEncoder().encode(JSON.stringify(good)) : raw
    const res = await server.request('POST', '/api/auth/register', { body, headers: type ? { 'content-type': type } : {} })
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({ statusCode: 400, message: expect.any(String) })
    const retry = await server.request('POST', '/api/auth/register', { body: good })
    expect(retry.status).toBe(201)
  })

  it('accepts JSON whose content type carries a charset', async () => {
    const res = await server.request('POST', '/api/auth/register', { body: JSON.stringify(credentials()), headers: { 'content-type': 'application/json; charset=utf-8' } })
    expect(res.status).toBe(201)
  })

  it('answers 409 for a username taken in another case, and keeps the first account', async () => {
    const first = credentials(unique('Taken'))
    expect((await server.request('POST', '/api/auth/register', { body: first })).status).toBe(201)
    const res = await server.request('POST', '/api/auth/register', { body: { ...credentials(first.username.toUpperCase()), password: 'another-password' } })
    expect(res.status).toBe(409)
    expect(res.body.message).toMatch(/username/i)
    expect(res.body.data).toEqual({ field: 'username' })
    const again = await server.request('POST', '/api/auth/register', { body: credentials(first.username.toLowerCase()) })
    expect(again.status).toBe(409)
  })

  it('answers 409 for an email already registered, in any case', async () => {
    const first = credentials()
    expect((await server.request('POST', '/api/auth/register', { body: first })).status).toBe(201)
    const res = await server.request('POST', '/api/auth/register', { body: { ...credentials(), email: first.email.toUpperCase() } })
    expect(res.status).toBe(409)
    expect(res.body.message).toMatch(/email/i)
    expect(res.body.data).toEqual({ field: 'email' })
  })

  it('lets exactly one of two simultaneous registrations of a name succeed; the other gets 409', async () => {
    const username = unique('race')
    const replies = await Promise.all([
      server.request('POST', '/api/auth/register', { body: { ...credentials(username), email: `${username}-a@example.test` } }),
      server.request('POST', '/api/auth/register', { body: { ...credentials(username), email: `${username}-b@example.test` } }),
    ])
    expect(replies.map(r => r.status).sort()).toEqual([201, 409])
    // The loser is told which field, as after any other clash.
    expect(replies.find(r => r.status === 409)!.body.data).toEqual({ field: 'username' })
  })
})

describe('POST /api/auth/login', () => {
  it('answers 403 "waiting for approval" until an admin approves, then 200 {token}', async () => {
    const user = credentials()
    const reg = await server.request('POST', '/api/auth/register', { body: user })
    const pending = await server.request('POST', '/api/auth/login', { body: { username: user.username, password: PASSWORD } })
    expect(pending.status).toBe(403)
    expect(pending.body.message).toMatch(/waiting for approval/i)

    expect((await server.request('POST', `/api/users/${reg.body.user.id}/approve`, { token: adminToken })).status).toBe(200)
    const res = await server.request('POST', '/api/auth/login', { body: { username: user.username, password: PASSWORD } })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ token: expect.any(String) })
  })

  it('issues an HS256 JWT with sub, iat, exp and jti that opens the session', async () => {
    const user = await createApprovedUser(server, adminToken)
    expect(decodeProtectedHeader(user.token)).toMatchObject({ alg: 'HS256' })
    const claims = decodeJwt(user.token)
    expect(claims).toMatchObject({ sub: String(user.id), iat: expect.any(Number), exp: expect.any(Number), jti: expect.any(String) })
    expect(claims.exp!).toBeGreaterThan(nowSeconds())
    const session = await server.request('GET', '/api/auth/session', { token: user.token })
    expect(session.body.id).toBe(user.id)
  })

  it('accepts the username in any case', async () => {
    const user = await createApprovedUser(server, adminToken, unique('CamelCase'))
    const res = await server.request('POST', '/api/auth/login', { body: { username: user.username.toUpperCase(), password: user.password } })
    expect(res.status).toBe(200)
  })

  it('answers 401 with an identical body for an unknown user, a wrong password and a pending account\'s wrong password', async () => {
    const user = await createApprovedUser(server, adminToken)
    const pending = credentials()
    await server.request('POST', '/api/auth/register', { body: pending })
    const unknown = await server.request('POST', '/api/auth/login', { body: { username: unique('ghost'), password: PASSWORD } })
    const wrong = await server.request('POST', '/api/auth/login', { body: { username: user.username, password: 'not-the-password' } })
    const pendingWrong = await server.request('POST', '/api/auth/login', { body: { username: pending.username, password: 'not-the-password' } })
    expect(unknown.status).toBe(401)
    expect(wrong.status).toBe(401)
    expect(pendingWrong.status).toBe(401)
    expect(wrong.body).toEqual(unknown.body)
    expect(pendingWrong.body).toEqual(unknown.body)
  })

  it('answers 400 for a login without a password or with a number for one', async () => {
    const user = await createApprovedUser(server, adminToken)
    expect((await server.request('POST', '/api/auth/login', { body: { username: user.username } })).status).toBe(400)
    expect((await server.request('POST', '/api/auth/login', { body: { username: user.username, password: 12345678 } })).status).toBe(400)
  })

  it('answers 429 with Retry-After after five failures in fifteen minutes, even for the right password', async () => {
    const user = await createApprovedUser(server, adminToken)
    for (let i = 0; i < 5; i++) {
      const res = await server.request('POST', '/api/auth/login', { body: { username: user.username, password: `wrong-${i}-password` } })
      expect(res.status).toBe(401)
    }
    const sixth = await server.request('POST', '/api/auth/login', { body: { username: user.username, password: user.password } })
    expect(sixth.status).toBe(429)
    expect(sixth.body).not.toHaveProperty('token')
    const retryAfter = Number(sixth.headers.get('retry-after'))
    expect(Number.isInteger(retryAfter)).toBe(true)
    expect(retryAfter).toBeGreaterThan(14 * 60)
    expect(retryAfter).toBeLessThanOrEqual(15 * 60)
    const wrong = await server.request('POST', '/api/auth/login', { body: { username: user.username, password: 'still-wrong-password' } })
    expect(wrong.status).toBe(429)
    // The token the user already holds is unaffected.
    expect((await server.request('GET', '/api/auth/session', { token: user.token })).status).toBe(200)
  })

  it('throttles a username whatever its case, and a forged X-Forwarded-For does not escape it', async () => {
    const user = await createApprovedUser(server, adminToken, unique('Throttled'))
    const names = [user.username, user.username.toUpperCase(), user.username.toLowerCase(), user.username, user.username.toUpperCase()]
    for (const username of names)
      expect((await server.request('POST', '/api/auth/login', { body: { username, password: 'wrong-password' } })).status).toBe(401)
    const res = await server.request('POST', '/api/auth/login', {
      body: { username: user.username.toLowerCase(), password: user.password },
      headers: { 'x-forwarded-for': '203.0.113.9', 'x-real-ip': '203.0.113.9' },
    })
    expect(res.status).toBe(429)
  })

  it('throttles only that username: another account from the same address still logs in', async () => {
    const victim = await createApprovedUser(server, adminToken)
    const other = await createApprovedUser(server, adminToken)
    for (let i = 0; i < 5; i++)
      await server.request('POST', '/api/auth/login', { body: { username: victim.username, password: 'wrong-password' } })
    expect((await server.request('POST', '/api/auth/login', { body: { username: victim.username, password: victim.password } })).status).toBe(429)
    expect((await server.request('POST', '/api/auth/login', { body: { username: other.username, password: other.password } })).status).toBe(200)
  })

  it('refuses form posts with 400 without counting them, so another site cannot lock an account out', async () => {
    const user = await createApprovedUser(server, adminToken)
    for (let i = 0; i < 6; i++) {
      const res = await server.request('POST', '/api/auth/login', {
        body: new URLSearchParams({ username: user.username, password: 'wrong-password' }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      })
      expect(res.status).toBe(400)
    }
    expect((await server.request('POST', '/api/auth/login', { body: { username: user.username, password: user.password } })).status).toBe(200)
  })

  it('starts counting afresh after a successful login', async () => {
    const user = await createApprovedUser(server, adminToken)
    const attempt = (password: string) => server.request('POST', '/api/auth/login', { body: { username: user.username, password } })
    for (let i = 0; i < 4; i++) expect((await attempt('wrong-password')).status).toBe(401)
    expect((await attempt(user.password)).status).toBe(200)
    for (let i = 0; i < 4; i++) expect((await attempt('wrong-password')).status).toBe(401)
    expect((await attempt(user.password)).status).toBe(200)
  })
})

describe('GET /api/auth/session', () => {
  it('answers 200 with exactly {id, username, email, role, approved}', async () => {
    const user = await createApprovedUser(server, adminToken)
    const res = await server.request('GET', '/api/auth/session', { token: user.token })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ id: user.id, username: user.username, email: `${user.username}@example.test`, role: 'user', approved: true })
  })

  it('answers 401 without a token', async () => {
    const res = await server.request('GET', '/api/auth/session')
    expect(res.status).toBe(401)
    expect(res.body).toMatchObject({ statusCode: 401, message: expect.any(String) })
  })

  it.each([
    ['a scheme other than Bearer', (t: string) => `Token ${t}`],
    ['Basic credentials', () => `Basic ${Buffer.from('admin:admin-password-123').toString('base64')}`],
    ['"Bearer" alone', () => 'Bearer'],
    ['two tokens', (t: string) => `Bearer ${t} ${t}`],
    ['a token that is not a JWT', () => 'Bearer not-a-jwt'],
    ['a truncated token', (t: string) => `Bearer ${t.slice(0, -4)}`],
  ])('answers 401 for a malformed Authorization header: %s', async (_, header) => {
    const user = await createApprovedUser(server, adminToken)
    const res = await server.request('GET', '/api/auth/session', { headers: { authorization: header(user.token) } })
    expect(res.status).toBe(401)
  })

  it('accepts a token forged with the server\'s own secret (so the refusals below test what they change)', async () => {
    const user = await createApprovedUser(server, adminToken)
    const token = await forge(secret, { sub: String(user.id), jti: randomUUID(), iat: nowSeconds(), exp: nowSeconds() + 600 })
    const res = await server.request('GET', '/api/auth/session', { token })
    expect(res.status).toBe(200)
    expect(res.body.id).toBe(user.id)
  })

  it('answers 401 for a token whose payload was changed to another user', async () => {
    const user = await createApprovedUser(server, adminToken)
    const admin = await server.request('GET', '/api/auth/session', { token: adminToken })
    const [header, payload, signature] = user.token.split('.')
    const claims = decodeJwt(user.token)
    const changed = [header, reencode({ ...claims, sub: String(admin.body.id) }), signature].join('.')
    expect(payload).not.toBe(changed.split('.')[1])
    const res = await server.request('GET', '/api/auth/session', { token: changed })
    expect(res.status).toBe(401)
    expect((await server.request('GET', '/api/users', { token: changed })).status).toBe(401)
  })

  it('answers 401 for an alg "none" token', async () => {
    const user = await createApprovedUser(server, adminToken)
    const claims = decodeJwt(user.token)
    const none = `${reencode({ alg: 'none', typ: 'JWT' })}.${reencode(claims)}.`
    expect((await server.request('GET', '/api/auth/session', { token: none })).status).toBe(401)
    const noneSigned = `${reencode({ alg: 'none', typ: 'JWT' })}.${user.token.split('.').slice(1).join('.')}`
    expect((await server.request('GET', '/api/auth/session', { token: noneSigned })).status).toBe(401)
  })

  it('answers 401 for an expired token signed with the server\'s secret', async () => {
    const user = await createApprovedUser(server, adminToken)
    const token = await forge(secret, { sub: String(user.id), jti: randomUUID(), iat: nowSeconds() - 3600, exp: nowSeconds() - 10 })
    const res = await server.request('GET', '/api/auth/session', { token })
    expect(res.status).toBe(401)
  })

  it('answers 401 for a token signed with a different secret', async () => {
    const user = await createApprovedUser(server, adminToken)
    const token = await forge('a-different-secret-of-at-least-32-bytes!!', { sub: String(user.id), jti: randomUUID(), iat: nowSeconds(), exp: nowSeconds() + 600 })
    expect((await server.request('GET', '/api/auth/session', { token })).status).toBe(401)
  })

  it('answers 401 for a validly signed token of a user who does not exist', async () => {
    const token = await forge(secret, { sub: '987654321', jti: randomUUID(), iat: nowSeconds(), exp: nowSeconds() + 600 })
    expect((await server.request('GET', '/api/auth/session', { token })).status).toBe(401)
  })

  it('ignores the auth.token cookie: only the Authorization header authenticates', async () => {
    const user = await createApprovedUser(server, adminToken)
    const res = await server.request('GET', '/api/auth/session', { headers: { cookie: `auth.token=${encodeURIComponent(`Bearer ${user.token}`)}` } })
    expect(res.status).toBe(401)
  })
})

describe('POST /api/auth/logout', () => {
  it('answers 200, after which the same token is refused by session and logout', async () => {
    const user = await createApprovedUser(server, adminToken)
    const res = await server.request('POST', '/api/auth/logout', { token: user.token })
    expect(res.status).toBe(200)
    expect((await server.request('GET', '/api/auth/session', { token: user.token })).status).toBe(401)
    expect((await server.request('POST', '/api/auth/logout', { token: user.token })).status).toBe(401)
  })

  it('revokes only that token: the user\'s other sessions and a new login still work', async () => {
    const user = await createApprovedUser(server, adminToken)
    const second = await login(server, user.username, user.password)
    await server.request('POST', '/api/auth/logout', { token: user.token })
    expect((await server.request('GET', '/api/auth/session', { token: second })).status).toBe(200)
    const fresh = await login(server, user.username, user.password)
    expect((await server.request('GET', '/api/auth/session', { token: fresh })).status).toBe(200)
  })

  it('answers 401 without a token, and a cookie alone does not log anyone out', async () => {
    const user = await createApprovedUser(server, adminToken)
    expect((await server.request('POST', '/api/auth/logout')).status).toBe(401)
    const byCookie = await server.request('POST', '/api/auth/logout', { headers: { cookie: `auth.token=${encodeURIComponent(`Bearer ${user.token}`)}` } })
    expect(byCookie.status).toBe(401)
    expect((await server.request('GET', '/api/auth/session', { token: user.token })).status).toBe(200)
  })
})

describe('a deleted user', () => {
  it('loses their session at once and can no longer log in', async () => {
    const user = await createApprovedUser(server, adminToken)
    expect((await server.request('GET', '/api/auth/session', { token: user.token })).status).toBe(200)
    expect((await server.request('DELETE', `/api/users/${user.id}`, { token: adminToken })).status).toBe(204)
    expect((await server.request('GET', '/api/auth/session', { token: user.token })).status).toBe(401)
    expect((await server.request('POST', '/api/auth/login', { body: { username: user.username, password: user.password } })).status).toBe(401)
  })

  it('does not hand their old token to someone who registers the same name later', async () => {
    const user = await createApprovedUser(server, adminToken)
    await server.request('DELETE', `/api/users/${user.id}`, { token: adminToken })
    const again = await createApprovedUser(server, adminToken, user.username)
    expect(again.id).not.toBe(user.id)
    expect((await server.request('GET', '/api/auth/session', { token: user.token })).status).toBe(401)
    expect((await server.request('GET', '/api/auth/session', { token: again.token })).body.username).toBe(user.username)
  })
})

describe('the first admin', () => {
  it('is created from NUXT_ADMIN_* and logs in as an approved admin', async () => {
    const res = await server.request('GET', '/api/auth/session', { token: adminToken })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ id: expect.any(Number), username: ADMIN.username, email: ADMIN.email, role: 'admin', approved: true })
  })

  it('gets a generated password, printed once, when NUXT_ADMIN_PASSWORD is empty', async () => {
    const pg = TEST_DATABASE_URL ? await createPgDatabase() : undefined
    const dataDir = mkdtempSync(join(tmpdir(), 'ticketshow-admin-'))
    try {
      const first = await startServer({ dataDir, databaseUrl: pg?.url, env: { NUXT_ADMIN_PASSWORD: '' } })
      let password: string
      try {
        const output = await waitForOutput(first, /password:\s*\S+/)
        const printed = [...output.matchAll(/password:\s*(\S+)/g)].map(m => m[1]!)
        expect(printed).toHaveLength(1)
        password = printed[0]!
        expect(password.length).toBeGreaterThanOrEqual(16)
        expect(password).not.toBe(ADMIN.password)
        const token = await login(first, ADMIN.username, password)
        expect((await first.request('GET', '/api/auth/session', { token })).body.role).toBe('admin')
      }
      finally {
        await first.stop()
      }
      const second = await startServer({ dataDir, databaseUrl: pg?.url, env: { NUXT_ADMIN_PASSWORD: '' } })
      try {
        await login(second, ADMIN.username, password)
        // Checked after a login, by which time anything start-up printed has arrived.
        expect(second.output()).not.toContain(password)
        expect(second.output()).not.toMatch(/password:/)
      }
      finally {
        await second.stop()
      }
    }
    finally {
      rmSync(dataDir, { recursive: true, force: true })
      await pg?.drop()
    }
  })
})

describe('the signing secret', () => {
  it('is generated into the data dir with mode 600 when none is configured', () => {
    const file = join(server.dataDir, 'auth-secret')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(Buffer.byteLength(secret)).toBeGreaterThanOrEqual(32)
  })

  it('survives a restart with the same data dir: old tokens stay valid, revoked ones stay revoked', async () => {
    const pg = TEST_DATABASE_URL ? await createPgDatabase() : undefined
    const dataDir = mkdtempSync(join(tmpdir(), 'ticketshow-restart-'))
    try {
      const first = await startServer({ dataDir, databaseUrl: pg?.url })
      let kept: string, revoked: string, stored: string
      try {
        kept = await login(first, ADMIN.username, ADMIN.password)
        revoked = await login(first, ADMIN.username, ADMIN.password)
        expect((await first.request('POST', '/api/auth/logout', { token: revoked })).status).toBe(200)
        stored = readFileSync(join(dataDir, 'auth-secret'), 'utf8')
      }
      finally {
        await first.stop()
      }
      const second = await startServer({ dataDir, databaseUrl: pg?.url })
      try {
        expect(readFileSync(join(dataDir, 'auth-secret'), 'utf8')).toBe(stored)
        expect((await second.request('GET', '/api/auth/session', { token: kept })).status).toBe(200)
        expect((await second.request('GET', '/api/auth/session', { token: revoked })).status).toBe(401)
      }
      finally {
        await second.stop()
      }
    }
    finally {
      rmSync(dataDir, { recursive: true, force: true })
      await pg?.drop()
    }
  })

  it('is NUXT_AUTH_SECRET when that is set (32 bytes is enough)', async () => {
    const configured = 's'.repeat(32)
    const own = await startServer({ env: { NUXT_AUTH_SECRET: configured } })
    try {
      const adminId = (await own.request('GET', '/api/auth/session', { token: await login(own, ADMIN.username, ADMIN.password) })).body.id
      const token = await forge(configured, { sub: String(adminId), jti: randomUUID(), iat: nowSeconds(), exp: nowSeconds() + 600 })
      expect((await own.request('GET', '/api/auth/session', { token })).status).toBe(200)
      const expired = await forge(configured, { sub: String(adminId), jti: randomUUID(), iat: nowSeconds() - 600, exp: nowSeconds() - 1 })
      expect((await own.request('GET', '/api/auth/session', { token: expired })).status).toBe(401)
    }
    finally {
      await own.stop()
    }
  })

  it('stops the server when NUXT_AUTH_SECRET is shorter than 32 bytes, saying why', async () => {
    const weak = await startServer({ env: { NUXT_AUTH_SECRET: 'x'.repeat(31) }, noWait: true })
    try {
      const code = await exitOf(weak)
      expect(code).not.toBe(0)
      expect(code).not.toBeNull()
      expect(weak.output()).toMatch(/NUXT_AUTH_SECRET.*at least 32 bytes/)
    }
    finally {
      await weak.stop()
    }
  })
})
