import { join } from 'node:path'
import type { Storage } from 'unstorage'
import { createStorage } from 'unstorage'
import fsDriver from 'unstorage/drivers/fs'

let storage: Storage | undefined

/** Poster files: a folder in the data dir (shared by every instance that shares the dir). */
export function usePosterStorage(): Storage {
  storage ??= createStorage({ driver: fsDriver({ base: join(useRuntimeConfig().dataDir, 'posters') }) })
  return storage
}
