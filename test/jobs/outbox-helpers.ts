import { createLogger } from '@supergraph/logger';
import { queuePrefix } from '@supergraph/queue';
import { buildWorker, type BuiltWorker } from '@supergraph/subgraph';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { SubgraphName } from '@supergraph/registry';
import type { TestStack } from '../support/stack';
import { subgraphModules } from '../support/subgraph-modules';

/** Starts one subgraph's worker in this process, on the stack's settings, mailing `smtpUrl`. */
export async function startWorker(stack: TestStack, name: SubgraphName, smtpUrl: string): Promise<BuiltWorker> {
  const { worker } = subgraphModules(name);
  if (!worker) throw new Error(`subgraph ${name} has no worker`);
  const config = worker.loadConfig({ ...stack.envs[name], ...(worker.mail ? { SMTP_URL: smtpUrl } : {}) });
  return buildWorker(worker.define(config), config, createLogger({ service: `${name}-worker`, level: 'silent' }));
}

/** A view of one of the stack's queues, as BullMQ sees it in Redis. */
export function inspectQueue(stack: TestStack, subgraph: SubgraphName, name: string) {
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
