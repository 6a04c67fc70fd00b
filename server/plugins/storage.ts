import redisDriver from 'unstorage/drivers/redis'

/**
 * With NUXT_REDIS_URL the cache lives in Redis, shared by every instance; without it, in
 * process memory (the embedded default for a single instance).
 */
export default defineNitroPlugin(() => {
  const { redisUrl } = useRuntimeConfig()
  if (!redisUrl) return
  useStorage().mount('cache', redisDriver({ url: redisUrl, base: 'ticketshow:cache' }))
  console.info('[ticketshow] cache: Redis')
})
