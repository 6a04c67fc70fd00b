import { createHash } from 'node:crypto'
import redisDriver from 'unstorage/drivers/redis'

/**
 * With NUXT_REDIS_URL the cache lives in Redis, shared by every instance; without it, in
 * process memory (the embedded default for a single instance). Keys are namespaced by the
 * database, so deployments (or test runs) that share a Redis never read each other's cache.
 */
export default defineNitroPlugin(() => {
  const { redisUrl, databaseUrl } = useRuntimeConfig()
  if (!redisUrl) return
  const namespace = createHash('sha256').update(databaseUrl || 'sqlite').digest('hex').slice(0, 12)
  useStorage().mount('cache', redisDriver({ url: redisUrl, base: `ticketshow:${namespace}:cache` }))
  console.info('[ticketshow] cache: Redis')
})
