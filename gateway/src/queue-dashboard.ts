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
    queueNames: config.QUEUE_NAMES,
    redisUrl: config.QUEUE_REDIS_URL,
    prefix: config.QUEUE_PREFIX,
    username: config.ADMIN_USERNAME,
    password: config.ADMIN_PASSWORD,
    onError: (error) => logger.warn({ err: error.message }, 'queue dashboard redis error'),
  });
}
