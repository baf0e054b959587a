import type { Logger } from '@supergraph/logger';
import { createQueueDashboard, type QueueDashboard } from '@supergraph/queue-dashboard';
import type { GatewayConfig } from './config';

/** The admin dashboard of every subgraph's queues, when an admin password and Redis are set. */
export function startQueueDashboard(config: GatewayConfig, logger: Logger): QueueDashboard | undefined {
  if (!config.ADMIN_PASSWORD || !config.QUEUE_REDIS_URL) {
    logger.info('queue dashboard off (set ADMIN_PASSWORD and QUEUE_REDIS_URL to turn it on)');
    return undefined;
  }
  return createQueueDashboard({
    // Unset: the queues found in Redis, so a new subgraph's queues show up without a config change.
    queueNames: config.QUEUE_NAMES,
    discoverEveryMs: config.QUEUE_DISCOVERY_MS,
    redisUrl: config.QUEUE_REDIS_URL,
    prefix: config.QUEUE_PREFIX,
    username: config.ADMIN_USERNAME,
    password: config.ADMIN_PASSWORD,
    // On the durable (queue) Redis: a throttle that the cache's eviction could empty is no throttle.
    signInThrottle: {
      maxFailuresPerAddress: config.ADMIN_MAX_FAILURES_PER_IP,
      maxFailures: config.ADMIN_MAX_FAILURES,
      windowSeconds: config.ADMIN_FAILURE_WINDOW_SECONDS,
      keyPrefix: `${config.REDIS_KEY_PREFIX}gateway:admin-sign-in-fail`,
      onBlocked: (address, retryAfterSeconds) =>
        logger.warn(
          { address: address === '*' ? 'all' : address, retryAfterSeconds },
          'queue dashboard: too many failed sign-ins, blocking',
        ),
    },
    onError: (error) => logger.warn({ err: error.message }, 'queue dashboard redis error'),
  });
}
