import { randomBytes } from 'node:crypto'
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
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
    return readFileSync(file, 'utf8').trim()
  }
  catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  mkdirSync(dataDir, { recursive: true })
  const generated = randomBytes(48).toString('base64url')
  try {
    // 'wx': if another instance sharing the data dir wrote it first, use theirs.
    writeFileSync(file, generated + '\n', { mode: 0o600, flag: 'wx' })
    chmodSync(file, 0o600)
    return generated
  }
  catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim()
    throw err
  }
}

/** The signing key of this process (resolved at start by the startup plugin). */
export function useAuthSecret(): string {
  if (!secret) {
    const config = useRuntimeConfig()
    secret = resolveAuthSecret(config.authSecret, config.dataDir)
  }
  return secret
}
