import { hash, verify } from '@node-rs/argon2'

// OWASP's argon2id baseline: m=19456 KiB, t=2, p=1. 2 = Algorithm.Argon2id (a const enum
// that isolated modules cannot import).
const OPTIONS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const

/** Hashes a password with argon2id; the result embeds its salt and parameters. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS)
}

let dummyHash: Promise<string> | undefined

/**
 * True when the password matches the hash. With no hash (unknown user) it still spends the
 * time of one verification, so timing does not reveal which usernames exist.
 */
export async function verifyPassword(passwordHash: string | null | undefined, password: string): Promise<boolean> {
  if (!passwordHash) {
    dummyHash ??= hashPassword('not-a-real-password-only-for-timing')
    await verify(await dummyHash, password).catch(() => false)
    return false
  }
  return verify(passwordHash, password).catch(() => false)
}
