import lruCacheDriver from 'unstorage/drivers/lru-cache'

/**
 * With NUXT_REDIS_URL the cache lives in Redis, shared by every instance; without it, in
 * process memory (the embedded default for a single instance), at most 5,000 entries and
 * 64 MB, the least recently used going first. Keys are namespaced by the
 * database (redisNamespace), so deployments that share a Redis never read each other's cache.
 * While Redis is unreachable the cache is bypassed (cache-driver.ts).
 */
export default defineNitroPlugin(() => {
  const { redisUrl } = useRuntimeConfig()
  if (!redisUrl) {
    // Bounded: the API's answers to every query string are entries.
    useStorage().mount('cache', lruCacheDriver({ max: 5000, maxSize: 64 * 1024 * 1024 }))
    return
  }
  useStorage().mount('cache', bypassableRedisDriver(redisUrl, `${redisNamespace()}:cache`))
  // Connected now, so the first requests find it ready rather than falling back.
  useRedis()
  console.info('[ticketshow] cache: Redis')
})
