import { randomBytes } from 'node:crypto'
import sharp from 'sharp'
import type { Storage } from 'unstorage'
import { Unsupported } from '../errors'

export const MAX_POSTER_BYTES = 5 * 1024 * 1024
const POSTER_SIZES = [{ width: 600, height: 900 }, { width: 300, height: 450 }] as const
const ACCEPTED = new Set(['jpeg', 'png', 'webp'])
export const POSTER_FILE = /^\d+-[0-9a-f]{16}-(300|600)\.webp$/

/** Public URLs of a poster's two sizes, root-relative. */
export function posterUrls(key: string | null): { posterUrl: string | null, posterThumbUrl: string | null } {
  if (!key) return { posterUrl: null, posterThumbUrl: null }
  return { posterUrl: `/posters/${key}-600.webp`, posterThumbUrl: `/posters/${key}-300.webp` }
}

/**
 * Decodes an uploaded image whatever its name or declared type says, and re-encodes it as
 * WebP in both poster sizes (2:3, cropped to fill). Anything that does not decode as a
 * JPEG, PNG or WebP image is Unsupported.
 */
export async function renderPoster(input: Buffer): Promise<{ width: number, data: Buffer }[]> {
  let format: string | undefined
  try {
    format = (await sharp(input, { limitInputPixels: 50_000_000 }).metadata()).format
  }
  catch {
    format = undefined
  }
  if (!format || !ACCEPTED.has(format))
    throw new Unsupported('The poster must be a JPEG, PNG or WebP image')
  try {
    return await Promise.all(POSTER_SIZES.map(async size => ({
      width: size.width,
      data: await sharp(input, { limitInputPixels: 50_000_000 }).rotate().resize(size.width, size.height, { fit: 'cover' }).webp({ quality: 82 }).toBuffer(),
    })))
  }
  catch {
    throw new Unsupported('The poster image is damaged and cannot be read')
  }
}

/** Stores both sizes under a fresh server-chosen key and returns it. */
export async function storePoster(storage: Storage, showId: number, images: { width: number, data: Buffer }[]): Promise<string> {
  const key = `${showId}-${randomBytes(8).toString('hex')}`
  for (const img of images) await storage.setItemRaw(`${key}-${img.width}.webp`, img.data)
  return key
}

/** Removes a poster's files (best effort: a missing file is fine). */
export async function deletePosterFiles(storage: Storage, key: string): Promise<void> {
  for (const size of POSTER_SIZES) await storage.removeItem(`${key}-${size.width}.webp`).catch(() => {})
}
