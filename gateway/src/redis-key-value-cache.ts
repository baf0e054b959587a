import type { KeyValueCache, KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import type { Logger } from '@supergraph/logger';
import type { RedisClient } from '@supergraph/redis';

/**
 * Apollo's KeyValueCache over Redis, shared by every gateway replica (persisted queries,
 * whole-response cache). Fails open: a Redis error is a miss, and a write that fails is skipped.
 */
export function createRedisKeyValueCache(redis: RedisClient, prefix: string, logger: Logger): KeyValueCache<string> {
  const failed = (what: string) => (error: unknown) => {
    logger.warn({ err: error instanceof Error ? error.message : String(error), prefix, what }, 'gateway cache unavailable');
    return undefined;
  };
  return {
    get: async (key) => (await redis.get(prefix + key).catch(failed('get'))) ?? undefined,
    async set(key: string, value: string, options?: KeyValueCacheSetOptions) {
      const ttl = options?.ttl;
      await (ttl ? redis.set(prefix + key, value, 'EX', Math.max(1, Math.ceil(ttl))) : redis.set(prefix + key, value)).catch(
        failed('set'),
      );
    },
    delete: async (key) => {
      await redis.del(prefix + key).catch(failed('delete'));
    },
  };
}
