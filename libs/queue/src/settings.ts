import type { RedisSettings } from '@supergraph/redis';

/** Queue settings; the names match the config variables (see `queueVars` in @supergraph/config). */
export interface QueueSettings extends RedisSettings {
  WORKER_CONCURRENCY: number;
  DISABLE_STALLED_JOB_CHECK: boolean;
  /** How long a worker holds a job before others may take it back (a crashed worker's job). */
  WORKER_LOCK_DURATION_MS: number;
  JOB_ATTEMPTS: number;
  /** First retry delay; each later one doubles, with jitter. */
  JOB_BACKOFF_MS: number;
  SHUTDOWN_TIMEOUT_MS: number;
}

/** BullMQ keeps its own key prefix (ioredis' keyPrefix must not be used with it). */
export function queuePrefix(settings: Pick<RedisSettings, 'REDIS_KEY_PREFIX'>): string {
  return `${settings.REDIS_KEY_PREFIX ?? ''}bull`;
}

/** Redis settings for BullMQ connections: the prefix goes to BullMQ, not to ioredis. */
export function queueRedisSettings(settings: RedisSettings): RedisSettings {
  return { REDIS_URL: settings.REDIS_URL, REDIS_CLUSTER_NODES: settings.REDIS_CLUSTER_NODES };
}
