import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '@supergraph/logger';

export { isRedisUnavailableError } from './is-redis-unavailable-error';

export type RedisClient = Redis | Cluster;

/** Settings for {@link createRedisClient}; the names match the config variables. */
export interface RedisSettings {
  REDIS_URL?: string | undefined;
  REDIS_CLUSTER_NODES?: string[] | undefined;
  /** The cache role's Redis; read by {@link cacheRedisSettings} only. */
  CACHE_REDIS_URL?: string | undefined;
  CACHE_REDIS_CLUSTER_NODES?: string[] | undefined;
  REDIS_KEY_PREFIX?: string;
}

/**
 * The settings of the cache role: `CACHE_REDIS_URL` / `CACHE_REDIS_CLUSTER_NODES` when either is
 * set, else the durable Redis (`REDIS_URL` / `REDIS_CLUSTER_NODES`), so one Redis still serves
 * both. The two are never mixed: a cache URL with durable cluster nodes is a single-node cache.
 */
export function cacheRedisSettings(settings: RedisSettings): RedisSettings {
  const own = settings.CACHE_REDIS_URL !== undefined || (settings.CACHE_REDIS_CLUSTER_NODES?.length ?? 0) > 0;
  return {
    REDIS_URL: own ? settings.CACHE_REDIS_URL : settings.REDIS_URL,
    REDIS_CLUSTER_NODES: own ? settings.CACHE_REDIS_CLUSTER_NODES : settings.REDIS_CLUSTER_NODES,
    ...(settings.REDIS_KEY_PREFIX === undefined ? {} : { REDIS_KEY_PREFIX: settings.REDIS_KEY_PREFIX }),
  };
}

/** Options for {@link createRedisClient}. */
export interface RedisClientOptions {
  /**
   * BullMQ needs `maxRetriesPerRequest: null` (commands wait for a reconnect). Request-path
   * clients fail fast instead, so a Redis outage degrades a request rather than hanging it.
   * @defaultValue false
   */
  forQueue?: boolean;
  /**
   * For caches: commands fail at once while disconnected (no offline queue) and after
   * `commandTimeoutMs` when Redis is slow, so a cache outage costs a request nothing.
   * @defaultValue false
   */
  failFast?: boolean;
  /** With `failFast`. @defaultValue 250 ms */
  commandTimeoutMs?: number;
  /** @defaultValue 5000 ms */
  maxRetryDelayMs?: number;
}

/** Reconnect delay: grows 100 ms per attempt up to the cap, so reconnects never stop. */
export function retryDelay(attempt: number, capMs = 5_000): number {
  return Math.min(attempt * 100, capMs);
}

/**
 * Makes an ioredis client for one purpose: a single node from `REDIS_URL`, or a cluster client
 * when `REDIS_CLUSTER_NODES` is set. The label names the connection in logs and in
 * `CLIENT LIST`. Errors are logged, never thrown from the event emitter.
 */
export function createRedisClient(
  label: string,
  settings: RedisSettings,
  logger: Logger,
  { forQueue = false, failFast = false, commandTimeoutMs = 250, maxRetryDelayMs = 5_000 }: RedisClientOptions = {},
): RedisClient {
  if (!/^[\w.-]+$/.test(label)) throw new TypeError(`createRedisClient: invalid label ${JSON.stringify(label)}`);
  const common: RedisOptions = {
    connectionName: label,
    maxRetriesPerRequest: forQueue ? null : 1,
    enableOfflineQueue: !failFast,
    ...(failFast ? { commandTimeout: commandTimeoutMs } : {}),
    // Commands issued in the same tick go out as one pipeline per node (cluster-safe).
    enableAutoPipelining: !forQueue,
    retryStrategy: (attempt) => retryDelay(attempt, maxRetryDelayMs),
    ...(settings.REDIS_KEY_PREFIX ? { keyPrefix: settings.REDIS_KEY_PREFIX } : {}),
  };
  let client: RedisClient;
  if (settings.REDIS_CLUSTER_NODES && settings.REDIS_CLUSTER_NODES.length > 0) {
    client = new Cluster(
      settings.REDIS_CLUSTER_NODES.map((node) => {
        const [host = '', port = '6379'] = node.split(':');
        return { host, port: Number(port) };
      }),
      {
        redisOptions: common,
        enableOfflineQueue: !failFast,
        enableAutoPipelining: !forQueue,
        clusterRetryStrategy: (attempt) => retryDelay(attempt, maxRetryDelayMs),
        ...(settings.REDIS_KEY_PREFIX ? { keyPrefix: settings.REDIS_KEY_PREFIX } : {}),
      },
    );
  } else if (settings.REDIS_URL) {
    client = new Redis(settings.REDIS_URL, common);
  } else {
    throw new TypeError('createRedisClient: set REDIS_URL or REDIS_CLUSTER_NODES');
  }
  let lastError = '';
  client.on('error', (error: Error) => {
    // A down Redis emits an error per reconnect attempt; log each distinct message once per outage.
    if (error.message !== lastError) logger.warn({ label, err: error.message }, 'redis error');
    lastError = error.message;
  });
  client.on('ready', () => {
    if (lastError) logger.info({ label }, 'redis ready again');
    lastError = '';
  });
  return client;
}

/**
 * Readiness check: PING. A client that is not connected within half a second fails then (its
 * PING would wait in the offline queue for a reconnect); it goes on reconnecting by itself.
 */
export async function pingRedis(client: RedisClient): Promise<void> {
  if (client.status !== 'ready' && !(await waitForReady(client, 500))) throw new Error(`redis ${client.status}`);
  const answer = await client.ping();
  if (answer !== 'PONG') throw new Error(`redis answered ${answer}`);
}

/**
 * Closes politely when connected (pending replies arrive first, bounded by `timeoutMs`),
 * otherwise at once: a QUIT sent to a server that is down would wait for a reconnect that may
 * never come. After it, the client sends nothing and schedules no reconnect. Safe to call twice.
 */
export async function closeRedis(client: RedisClient, timeoutMs = 2_000): Promise<void> {
  if (client.status === 'end') return;
  if (client.status === 'ready') {
    let timer: NodeJS.Timeout | undefined;
    const quitted = await Promise.race([
      client.quit().then(
        () => true,
        () => false,
      ),
      new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (quitted) return;
  }
  // Between reconnect attempts ioredis stays "reconnecting" after this, but schedules nothing.
  client.disconnect();
}

/**
 * Resolves once the client is connected, or after `timeoutMs` (never rejects): a fail-fast
 * client answers nothing from the cache until then, so boot waits for it briefly.
 */
export function waitForReady(client: RedisClient, timeoutMs = 2_000): Promise<boolean> {
  if (client.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      client.off('ready', onReady);
      resolve(false);
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve(true);
    };
    client.once('ready', onReady);
  });
}
