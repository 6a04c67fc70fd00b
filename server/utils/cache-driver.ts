import type { Driver } from 'unstorage'
import redisDriver from 'unstorage/drivers/redis'

// The shared cache in Redis, out of the way when Redis is not: while it is unreachable every
// read is a miss and every write is dropped at once, so pages and the API answer from the
// database (at database speed) instead of waiting on Redis or failing. The connection keeps
// retrying meanwhile; redis.ts says once that Redis is gone and once that it is back.

type Method = Exclude<keyof Driver, 'name' | 'options' | 'flags'>

const MISS: Partial<Record<Method, (...args: never[]) => unknown>> = {
  hasItem: () => false,
  getItem: () => null,
  getItemRaw: () => null,
  getItems: (items: { key: string }[]) => items.map(({ key }) => ({ key, value: null })),
  getKeys: () => [],
  getMeta: () => null,
}

/** The Redis cache driver for `base`, bypassed while Redis is unreachable. */
export function bypassableRedisDriver(url: string, base: string): Driver {
  const inner = redisDriver({ url, base, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000, preConnect: true })
  const client = inner.getInstance!() as import('ioredis').Redis
  client.on('error', () => { /* said once by useRedis(); the cache is a miss meanwhile */ })
  const up = () => client.status === 'ready'
  return new Proxy(inner, {
    get(target, prop: string) {
      const value = Reflect.get(target, prop)
      if (typeof value !== 'function' || prop === 'getInstance') return value
      const miss = MISS[prop as Method] ?? (() => undefined)
      return async (...args: never[]) => {
        if (!up()) return miss(...args)
        try {
          return await (value as (...a: never[]) => unknown).apply(target, args)
        }
        catch {
          return miss(...args)
        }
      }
    },
  })
}
