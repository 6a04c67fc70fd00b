import { existsSync, readdirSync, readFileSync, renameSync } from 'node:fs'
import { join } from 'node:path'
import { LRUCache } from 'lru-cache'
import type { Storage } from 'unstorage'
import { createStorage } from 'unstorage'
import s3Driver from 'unstorage/drivers/s3'
import { databaseFilesDriver } from '../db/files'
import { POSTER_FILE } from '../domain/catalog'

// A poster's name changes whenever its image does, so a copy read once stays right until the
// show loses it: up to 32 MB of them stay in memory (some 1,600 posters of 20 KB), each for
// a minute (so a deleted poster goes from every instance within one).
const recent = new LRUCache<string, Buffer>({ maxSize: 32 * 1024 * 1024, sizeCalculation: b => b.length || 1, ttl: 60_000 })

let storage: Storage | undefined

/**
 * Poster files. By default in the database itself (the `files` table), so every instance
 * and serverless function sees what any of them stored, with nothing else to run; in an
 * S3-compatible bucket when NUXT_S3_BUCKET is set (with NUXT_S3_ENDPOINT, NUXT_S3_REGION,
 * NUXT_S3_ACCESS_KEY_ID and NUXT_S3_SECRET_ACCESS_KEY).
 */
export function usePosterStorage(): Storage {
  if (storage) return storage
  const { s3 } = useRuntimeConfig()
  const driver = s3?.bucket
    ? s3Driver({ bucket: s3.bucket, endpoint: s3.endpoint, region: s3.region || 'auto', accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey })
    : databaseFilesDriver({ db: useDb, prefix: 'posters' })
  // What this process removes, it stops serving at once (other instances' copies expire).
  const removeItem = driver.removeItem!.bind(driver)
  storage = createStorage({ driver: { ...driver, removeItem: (key, opts) => (recent.delete(key), removeItem(key, opts)) } })
  return storage
}

/** Where posters are kept, for the start-up's log line. */
export function posterStorageName(): string {
  return useRuntimeConfig().s3?.bucket ? `S3 bucket ${useRuntimeConfig().s3.bucket}` : 'the database'
}

/** A poster's bytes, or null when there is no such file. */
export async function readPoster(file: string): Promise<Buffer | null> {
  if (!POSTER_FILE.test(file)) return null
  const hit = recent.get(file)
  if (hit) return hit
  const raw = await usePosterStorage().getItemRaw<Buffer | ArrayBuffer>(file)
  if (!raw) return null
  const data = Buffer.isBuffer(raw) ? raw : Buffer.from(raw as ArrayBuffer)
  recent.set(file, data)
  return data
}

/**
 * Posters an older TicketShow kept in `<data dir>/posters` are copied into the poster
 * storage once, at start-up, and the folder is renamed `posters.moved` (kept, not deleted).
 * Returns how many were copied.
 */
export async function importPosterFolder(dataDir: string): Promise<number> {
  const folder = join(dataDir, 'posters')
  if (!existsSync(folder)) return 0
  const target = usePosterStorage()
  let copied = 0
  for (const name of readdirSync(folder)) {
    if (!POSTER_FILE.test(name) || await target.hasItem(name)) continue
    await target.setItemRaw(name, readFileSync(join(folder, name)))
    copied++
  }
  try {
    renameSync(folder, `${folder}.moved`)
  }
  catch { /* another instance sharing the folder renamed it first */ }
  return copied
}
