import { randomUUID } from 'node:crypto'
import { SignJWT, jwtVerify } from 'jose'
import { CompiledQuery } from 'kysely'
import { MAX_ID, isId } from '#shared/schemas/common'
import type { Db } from '../../db'
import { isPostgres } from '../../db'
import { batched, inKeyOrder } from '../../db/batch'
import { keepPrepared, prepared } from '../../db/prepared'
import type { UserRow } from '../../db/schema'

export const TOKEN_TTL_SECONDS = 7 * 24 * 3600

export interface TokenClaims {
  userId: number
  jti: string
  /** the user's session version when the token was made */
  sessionVersion: number
  expiresAt: Date
}

const encoder = new TextEncoder()

/**
 * Signs an HS256 JWT for a user with sub, iat, exp, a unique jti and `sv`, the user's
 * session version: the token is good only while the user's version is still that one.
 */
export async function signToken(secret: string, userId: number, opts: { ttlSeconds?: number, sessionVersion?: number } = {}): Promise<string> {
  return new SignJWT({ sv: opts.sessionVersion ?? 0 })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(String(userId))
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime(`${opts.ttlSeconds ?? TOKEN_TTL_SECONDS}s`)
    .sign(encoder.encode(secret))
}

const VERIFIED_MAX = 10_000
/** Tokens whose signature and claims have been checked, per secret: a token's claims never change. */
const verified = new Map<string, Map<string, TokenClaims>>()

/**
 * Verifies signature (HS256 only: `none` and every other alg are refused), expiry and
 * claims; null for any token that is not ours, altered or expired. A token checked once is
 * remembered (bounded, oldest forgotten first) and only its expiry checked again: signing
 * keys are imported and HMACs computed once per token, not once per request.
 */
export async function verifyToken(secret: string, token: string, now = new Date()): Promise<TokenClaims | null> {
  let known = verified.get(secret)
  const hit = known?.get(token)
  if (hit) return hit.expiresAt > now ? hit : null
  try {
    const { payload } = await jwtVerify(token, encoder.encode(secret), { algorithms: ['HS256'], requiredClaims: ['sub', 'jti', 'exp', 'iat'], currentDate: now })
    const userId = Number(payload.sub)
    // Tokens made before session versions existed carry none: version 0.
    const sessionVersion = payload.sv ?? 0
    // Claims the database columns (integer) can hold, or the lookup itself would fail.
    if (!isId(userId) || typeof payload.jti !== 'string' || !Number.isInteger(sessionVersion) || (sessionVersion as number) < 0 || (sessionVersion as number) > MAX_ID) return null
    const claims = { userId, jti: payload.jti, sessionVersion: sessionVersion as number, expiresAt: new Date(payload.exp! * 1000) }
    if (!known) verified.set(secret, known = new Map())
    if (known.size >= VERIFIED_MAX) known.delete(known.keys().next().value!)
    known.set(token, claims)
    return claims
  }
  catch {
    return null
  }
}

/** Revokes a token until it would have expired anyway; revoking twice is harmless. */
export async function revokeToken(db: Db, claims: Pick<TokenClaims, 'jti' | 'expiresAt'>): Promise<void> {
  await db.insertInto('revoked_tokens')
    .values({ jti: claims.jti, expires_at: claims.expiresAt.toISOString() })
    .onConflict(oc => oc.column('jti').doNothing())
    .execute()
}

const sessionUser = prepared((db: Db, userId: number, sessionVersion: number, jti: string) => db.selectFrom('users').selectAll()
  .where('id', '=', userId).where('session_version', '=', sessionVersion).where('deleted_at', 'is', null)
  .where(eb => eb.not(eb.exists(eb.selectFrom('revoked_tokens').select('jti').where('jti', '=', jti)))))

type SessionKey = Pick<TokenClaims, 'userId' | 'jti' | 'sessionVersion'>

const oneSessionUser = async (db: Db, claims: SessionKey) => (await sessionUser(db, claims.userId, claims.sessionVersion, claims.jti)).rows[0]

// The same test for many tokens at once (PostgreSQL: one round trip for the requests in flight).
const SESSION_USERS = keepPrepared(`select k.batch_i, u.* from unnest($1::int[], $2::int[], $3::text[]) with ordinality as k(id, session_version, jti, batch_i)
join users u on u.id = k.id and u.session_version = k.session_version and u.deleted_at is null
where not exists (select 1 from revoked_tokens r where r.jti = k.jti)`)

const batchedSessionUser = batched<SessionKey, UserRow>(async (db, keys) => {
  const { rows } = await db.executeQuery<UserRow & { batch_i: string | number }>(CompiledQuery.raw(SESSION_USERS, [keys.map(k => k.userId), keys.map(k => k.sessionVersion), keys.map(k => k.jti)]))
  return inKeyOrder(rows, keys.length)
}, oneSessionUser)

/**
 * The user a verified token names, in one query; undefined when the user is gone, the
 * token was revoked (logout), or the user's sessions have ended since it was made.
 */
export async function findSessionUser(db: Db, claims: SessionKey): Promise<UserRow | undefined> {
  return isPostgres(db) ? batchedSessionUser(db, claims) : oneSessionUser(db, claims)
}

/** Forgets revocations of tokens that have expired by now (they are refused anyway). */
export async function pruneRevokedTokens(db: Db, now = new Date()): Promise<number> {
  const res = await db.deleteFrom('revoked_tokens').where('expires_at', '<', now.toISOString()).executeTakeFirst()
  return Number(res.numDeletedRows)
}
