import { createCache } from '@supergraph/cache';
import type { Logger } from '@supergraph/logger';
import { createMongoConnection } from '@supergraph/mongo';
import { createJobQueue, type JobQueue } from '@supergraph/queue';
import { cacheRedisSettings, closeRedis, createRedisClient, type RedisClient } from '@supergraph/redis';
import type { SubgraphDeps, SubgraphSettings } from './build-subgraph';

/** A subgraph's long-lived dependencies, as its API and its worker processes both open them. */
export interface OpenDeps extends SubgraphDeps {
  /** The fail-fast client behind `cache`. */
  cacheRedis: RedisClient;
  /** Closes producers, Redis clients and MongoDB, in that order. */
  close(): Promise<void>;
}

/**
 * Opens MongoDB, a Redis client for state on the durable Redis (commands wait for a reconnect),
 * a fail-fast one for the cache on the cache Redis (the durable one unless CACHE_REDIS_URL or
 * CACHE_REDIS_CLUSTER_NODES is set), and queue producers (durable Redis) made on first use.
 * `label` names the connections in logs.
 */
export async function openSubgraphDeps(
  name: string,
  label: string,
  settings: SubgraphSettings,
  logger: Logger,
): Promise<OpenDeps> {
  const connection = await createMongoConnection(settings, logger);
  const redis = createRedisClient(label, settings, logger);
  // The cache role may live on its own evictable Redis (CACHE_REDIS_URL); state never does.
  const cacheRedis = createRedisClient(`${label}-cache`, cacheRedisSettings(settings), logger, { failFast: true });
  const cache = createCache({
    redis: cacheRedis,
    namespace: name,
    logger,
    entityTtlSeconds: settings.CACHE_ENTITY_TTL_SECONDS,
    listTtlSeconds: settings.CACHE_LIST_TTL_SECONDS,
  });
  const queues = new Map<string, JobQueue>();
  const queue = (queueName: string) => {
    let found = queues.get(queueName);
    if (!found) queues.set(queueName, (found = createJobQueue(queueName, settings, logger)));
    return found;
  };
  return {
    connection,
    redis,
    cacheRedis,
    cache,
    queue,
    logger,
    async close() {
      await Promise.all([...queues.values()].map((producer) => producer.close()));
      await Promise.all([closeRedis(redis), closeRedis(cacheRedis)]);
      await connection.close();
    },
  };
}
