import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SignJWT, base64url, decodeJwt, decodeProtectedHeader } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findSessionUser, pruneRevokedTokens, revokeToken, signToken, TOKEN_TTL_SECONDS, verifyToken } from '../../server/domain/accounts'
import { MIN_SECRET_BYTES, resolveAuthSecret } from '../../server/utils/secret'
import type { Db } from '../../server/db'
import { createTestDb } from '../helpers/fixtures'

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256!'
const OTHER_SECRET = 'another-secret-that-is-also-long-enough-0123'
const key = (s: string) => new TextEncoder().encode(s)
const nowSeconds = () => Math.floor(Date.now() / 1000)

/** Signs arbitrary claims as the server would (HS256), for tokens the server never made. */
function forge(claims: Record<string, unknown>, opts: { secret?: string, alg?: string } = {}): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: opts.alg ?? 'HS256', typ: 'JWT' }).sign(key(opts.secret ?? SECRET))
}

const validClaims = () => ({ sub: '42', jti: randomUUID(), iat: nowSeconds(), exp: nowSeconds() + 3600 })

function encodeSegment(value: unknown): string {
  return base64url.encode(JSON.stringify(value))
}

describe('signToken and verifyToken', () => {
  it('round-trips the user id, a unique jti and an expiry one token lifetime away', async () => {
    const before = Date.now()
    const token = await signToken(SECRET, 42)
    const claims = await verifyToken(SECRET, token)
    expect(claims).toEqual({ userId: 42, jti: expect.any(String), sessionVersion: 0, expiresAt: expect.any(Date) })
    const expected = before + TOKEN_TTL_SECONDS * 1000
    expect(Math.abs(claims!.expiresAt.getTime() - expected)).toBeLessThan(5000)
    const second = await verifyToken(SECRET, await signToken(SECRET, 42))
    expect(second!.jti).not.toBe(claims!.jti)
  })

  it('refuses a token once it has expired, even one it has verified before', async () => {
    const token = await signToken(SECRET, 42, { ttlSeconds: 60 })
    expect(await verifyToken(SECRET, token)).toMatchObject({ userId: 42 })
    expect(await verifyToken(SECRET, token, new Date(Date.now() + 61_000))).toBeNull()
    // A token verified under one secret is not thereby accepted under another.
    expect(await verifyToken(OTHER_SECRET, token)).toBeNull()
  })

  it('signs HS256 JWTs carrying sub, iat, exp and jti', async () => {
    const token = await signToken(SECRET, 7)
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'HS256' })
    const payload = decodeJwt(token)
    expect(payload).toMatchObject({ sub: '7', jti: expect.any(String), iat: expect.any(Number), exp: expect.any(Number) })
    expect(payload.exp! - payload.iat!).toBe(TOKEN_TTL_SECONDS)
  })

  it('accepts a token forged with the right secret and every claim (so the refusals below are meaningful)', async () => {
    const claims = validClaims()
    expect(await verifyToken(SECRET, await forge(claims))).toMatchObject({ userId: 42, jti: claims.jti })
  })

  it('refuses a token signed with another secret', async () => {
    expect(await verifyToken(SECRET, await signToken(OTHER_SECRET, 42))).toBeNull()
  })

  it('refuses a token whose payload was changed after signing', async () => {
    const token = await signToken(SECRET, 42)
    const [header, payload, signature] = token.split('.')
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload!)))
    const tampered = [header, encodeSegment({ ...claims, sub: '1' }), signature].join('.')
    expect(await verifyToken(SECRET, tampered)).toBeNull()
  })

  it('refuses an unsigned alg "none" token, with or without a signature segment', async () => {
    const token = await signToken(SECRET, 42)
    const [, payload, signature] = token.split('.')
    const none = encodeSegment({ alg: 'none', typ: 'JWT' })
    expect(await verifyToken(SECRET, `${none}.${payload}.`)).toBeNull()
    expect(await verifyToken(SECRET, `${none}.${payload}.${signature}`)).toBeNull()
  })

  it('refuses a token signed with the right secret under another algorithm (the alg is pinned)', async () => {
    expect(await verifyToken(SECRET, await forge(validClaims(), { alg: 'HS512' }))).toBeNull()
  })

  it('refuses an expired token', async () => {
    expect(await verifyToken(SECRET, await signToken(SECRET, 42, { ttlSeconds: -10 }))).toBeNull()
    expect(await verifyToken(SECRET, await forge({ ...validClaims(), iat: nowSeconds() - 7200, exp: nowSeconds() - 60 }))).toBeNull()
  })

  it.each(['sub', 'jti', 'exp', 'iat'])('refuses a token without its %s claim', async (claim) => {
    const claims = Object.fromEntries(Object.entries(validClaims()).filter(([name]) => name !== claim))
    expect(Object.keys(claims)).toHaveLength(3)
    expect(await verifyToken(SECRET, await forge(claims))).toBeNull()
  })

  it.each(['0', '-3', '1.5', 'abc', '', '9007199254740993', '2147483648'])('refuses a token whose subject is %j, not a user id', async (sub) => {
    expect(await verifyToken(SECRET, await forge({ ...validClaims(), sub }))).toBeNull()
  })

  it.each([-1, 1.5, 2 ** 31, 2 ** 53 - 1, '1'])('refuses a token whose session version is %j, which no user can have', async (sv) => {
    expect(await verifyToken(SECRET, await forge({ ...validClaims(), sv }))).toBeNull()
  })

  it.each(['', 'garbage', 'a.b.c', 'a.b'])('refuses the non-token %j', async (token) => {
    expect(await verifyToken(SECRET, token)).toBeNull()
  })
})

describe('revokeToken, findSessionUser and pruneRevokedTokens', () => {
  let db: Db
  let destroy: () => Promise<void>
  let userId: number
  beforeAll(async () => {
    ({ db, destroy } = await createTestDb())
    userId = (await db.insertInto('users').values({ username: 'tok', email: 'tok@example.test', password_hash: 'x', role: 'user', approved_at: null, created_at: new Date().toISOString() })
      .returning('id').executeTakeFirstOrThrow()).id
  })
  afterAll(() => destroy?.())

  /** Whether a token with this jti still opens a session for the user. */
  const accepted = async (jti: string) => (await findSessionUser(db, { userId, jti, sessionVersion: 0 }))?.id === userId

  it('revokes a token by its jti, and revoking it twice is harmless', async () => {
    const claims = (await verifyToken(SECRET, await signToken(SECRET, userId)))!
    const other = (await verifyToken(SECRET, await signToken(SECRET, userId)))!
    expect(await accepted(claims.jti)).toBe(true)
    await revokeToken(db, claims)
    await revokeToken(db, claims)
    expect(await accepted(claims.jti)).toBe(false)
    // Only that token: another token of the same user stays valid.
    expect(await accepted(other.jti)).toBe(true)
  })

  it('ends every session made before the user\'s session version moved, and honours tokens made before versions existed', async () => {
    const before = (await verifyToken(SECRET, await signToken(SECRET, userId)))!
    const legacy = (await verifyToken(SECRET, await forge({ sub: String(userId), jti: randomUUID(), iat: nowSeconds(), exp: nowSeconds() + 3600 })))!
    expect(legacy.sessionVersion).toBe(0)
    expect(await findSessionUser(db, legacy)).toBeDefined()
    await db.updateTable('users').set({ session_version: 1 }).where('id', '=', userId).execute()
    try {
      expect(await findSessionUser(db, before)).toBeUndefined()
      expect(await findSessionUser(db, legacy)).toBeUndefined()
      const after = (await verifyToken(SECRET, await signToken(SECRET, userId, { sessionVersion: 1 })))!
      expect((await findSessionUser(db, after))?.id).toBe(userId)
    }
    finally {
      await db.updateTable('users').set({ session_version: 0 }).where('id', '=', userId).execute()
    }
  })

  it('finds no session for a user who is gone', async () => {
    expect(await findSessionUser(db, { userId: userId + 1000, jti: randomUUID(), sessionVersion: 0 })).toBeUndefined()
  })

  it('answers each of many lookups made at once (on PostgreSQL, one query for all) by its own token', async () => {
    const second = (await db.insertInto('users').values({ username: 'tok2', email: 'tok2@example.test', password_hash: 'x', role: 'admin', approved_at: null, created_at: new Date().toISOString() })
      .returning('id').executeTakeFirstOrThrow()).id
    const revoked = { jti: randomUUID(), expiresAt: new Date(Date.now() + 3_600_000) }
    await revokeToken(db, revoked)
    const asks = [
      { userId, jti: randomUUID(), sessionVersion: 0 },
      { userId: second, jti: randomUUID(), sessionVersion: 0 },
      { userId, jti: revoked.jti, sessionVersion: 0 },
      { userId: second, jti: randomUUID(), sessionVersion: 3 },
      { userId: second + 1000, jti: randomUUID(), sessionVersion: 0 },
      { userId, jti: randomUUID(), sessionVersion: 0 },
    ]
    const found = await Promise.all(asks.map(ask => findSessionUser(db, ask)))
    expect(found.map(u => u?.username ?? null)).toEqual(['tok', 'tok2', null, null, null, 'tok'])
    expect(found[1]).toMatchObject({ id: second, role: 'admin', session_version: 0 })
    expect(found[1]).not.toHaveProperty('batch_i')
  })

  it('prunes only revocations of tokens that have expired by then', async () => {
    const expired = { jti: randomUUID(), expiresAt: new Date('2026-01-01T00:00:00.000Z') }
    const live = { jti: randomUUID(), expiresAt: new Date('2026-01-03T00:00:00.000Z') }
    await revokeToken(db, expired)
    await revokeToken(db, live)
    const removed = await pruneRevokedTokens(db, new Date('2026-01-02T00:00:00.000Z'))
    expect(removed).toBe(1)
    expect(await accepted(expired.jti)).toBe(true)
    expect(await accepted(live.jti)).toBe(false)
  })
})

describe('resolveAuthSecret', () => {
  const dirs: string[] = []
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'ticketshow-secret-'))
    dirs.push(dir)
    return dir
  }
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  })

  it('uses a configured secret of at least 32 bytes as it is, writing no file', () => {
    const dir = tempDir()
    const secret = 'x'.repeat(MIN_SECRET_BYTES)
    expect(MIN_SECRET_BYTES).toBe(32)
    expect(resolveAuthSecret(secret, dir)).toBe(secret)
    expect(() => statSync(join(dir, 'auth-secret'))).toThrow()
  })

  it('refuses a configured secret under 32 bytes with a message that says how to fix it', () => {
    expect(() => resolveAuthSecret('x'.repeat(31), tempDir())).toThrow(/NUXT_AUTH_SECRET.*31 bytes.*at least 32/)
  })

  it('counts bytes, not characters', () => {
    // 16 two-byte characters are 32 bytes; 15 are 30.
    expect(resolveAuthSecret('é'.repeat(16), tempDir())).toBe('é'.repeat(16))
    expect(() => resolveAuthSecret('é'.repeat(15), tempDir())).toThrow(/30 bytes/)
  })

  it('generates a strong secret once, kept in the data dir with mode 600, and reuses it', () => {
    const dir = join(tempDir(), 'not-yet-created')
    const first = resolveAuthSecret('', dir)
    expect(Buffer.byteLength(first)).toBeGreaterThanOrEqual(32)
    const file = join(dir, 'auth-secret')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readFileSync(file, 'utf8').trim()).toBe(first)
    expect(resolveAuthSecret('', dir)).toBe(first)
    // Another data dir gets a secret of its own.
    expect(resolveAuthSecret('', tempDir())).not.toBe(first)
  })

  it('prefers the configured secret over a stored one', () => {
    const dir = tempDir()
    resolveAuthSecret('', dir)
    const configured = 'c'.repeat(40)
    expect(resolveAuthSecret(configured, dir)).toBe(configured)
  })

  it('refuses a stored secret under 32 bytes (an empty or truncated file) rather than sign with it', () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'auth-secret'), '', { mode: 0o600 })
    expect(() => resolveAuthSecret('', dir)).toThrow(/auth-secret.*at least 32/)
    writeFileSync(join(dir, 'auth-secret'), 'short\n', { mode: 0o600 })
    expect(() => resolveAuthSecret('', dir)).toThrow(/auth-secret.*at least 32/)
  })
})
