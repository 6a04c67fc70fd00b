import { randomBytes } from 'node:crypto'
import { chmodSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

let secret: string | undefined

export const MIN_SECRET_BYTES = 32

/**
 * The JWT signing key: NUXT_AUTH_SECRET when set (at least 32 bytes), otherwise a random
 * key generated once and kept in the data dir with mode 600, so restarts keep sessions.
 */
export function resolveAuthSecret(configured: string, dataDir: string): string {
  if (configured) {
    if (Buffer.byteLength(configured) < MIN_SECRET_BYTES)
      throw new Error(`NUXT_AUTH_SECRET is ${Buffer.byteLength(configured)} bytes; it must be at least ${MIN_SECRET_BYTES} bytes (try: openssl rand -base64 48)`)
    return configured
  }
  const file = join(dataDir, 'auth-secret')
  try {
    return readStoredSecret(file)
  }
  catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  mkdirSync(dataDir, { recursive: true })
  const generated = randomBytes(48).toString('base64url')
  // Written whole to a private temp file, then linked into place: another instance sharing
  // the data dir never reads a half-written (empty) file, and if it linked first we use theirs.
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
  try {
    writeFileSync(temp, generated + '\n', { mode: 0o600, flag: 'wx' })
    chmodSync(temp, 0o600)
    linkSync(temp, file)
    return generated
  }
  catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readStoredSecret(file)
    throw err
  }
  finally {
    rmSync(temp, { force: true })
  }
}

/** The stored key; an empty or truncated file is refused rather than signed with. */
function readStoredSecret(file: string): string {
  const stored = readFileSync(file, 'utf8').trim()
  if (Buffer.byteLength(stored) < MIN_SECRET_BYTES)
    throw new Error(`${file} holds ${Buffer.byteLength(stored)} bytes; the auth secret must be at least ${MIN_SECRET_BYTES} bytes (delete the file to generate a new one, or set NUXT_AUTH_SECRET)`)
  return stored
}

/** The signing key of this process (resolved at start by the startup plugin). */
export function useAuthSecret(): string {
  if (!secret) {
    const config = useRuntimeConfig()
    secret = resolveAuthSecret(config.authSecret, config.dataDir)
  }
  return secret
}
