import { createLogger } from '@supergraph/logger';
import { queuePrefix } from '@supergraph/queue';
import { buildWorker, type BuiltWorker } from '@supergraph/subgraph';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { loadAuthWorkerConfig } from '../../subgraphs/auth/src/config';
import { authWorker } from '../../subgraphs/auth/src/worker-definition';
import { loadCartWorkerConfig } from '../../subgraphs/cart/src/config';
import { cartWorker } from '../../subgraphs/cart/src/worker-definition';
import { loadPostsConfig } from '../../subgraphs/posts/src/config';
import { postsWorker } from '../../subgraphs/posts/src/worker-definition';
import type { TestStack } from '../support/stack';

/** Starts one subgraph's worker in this process, on the stack's settings, mailing `smtpUrl`. */
export function startWorker(stack: TestStack, name: 'auth' | 'posts' | 'cart', smtpUrl: string): Promise<BuiltWorker> {
  const logger = createLogger({ service: `${name}-worker`, level: 'silent' });
  if (name === 'posts') {
    const config = loadPostsConfig(stack.envs.posts);
    return buildWorker(postsWorker(config), config, logger);
  }
  if (name === 'auth') {
    const config = loadAuthWorkerConfig({ ...stack.envs.auth, SMTP_URL: smtpUrl });
    return buildWorker(authWorker(config), config, logger);
  }
  const config = loadCartWorkerConfig({ ...stack.envs.cart, SMTP_URL: smtpUrl });
  return buildWorker(cartWorker(config), config, logger);
}

/** A view of one of the stack's queues, as BullMQ sees it in Redis. */
export function inspectQueue(stack: TestStack, subgraph: 'auth' | 'posts' | 'cart', name: string) {
  const env = stack.envs[subgraph];
  const redis = new Redis(env.REDIS_URL!, { maxRetriesPerRequest: null });
  const queue = new Queue(name, { connection: redis, prefix: queuePrefix(env) });
  return {
    queue,
    /** Jobs not finished yet: waiting, active, delayed, prioritized or waiting for children. */
    async unfinished(): Promise<number> {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
      return Object.values(counts).reduce((sum, count) => sum + count, 0);
    },
    async close() {
      await queue.close();
      await redis.quit();
    },
  };
}

/** Polls `check` until it returns true, failing with `what` after `timeoutMs`. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
