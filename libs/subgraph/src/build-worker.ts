import { createCache } from '@supergraph/cache';
import type { Logger } from '@supergraph/logger';
import { createMongoConnection, ensureIndexes } from '@supergraph/mongo';
import type { OutboxRelay } from '@supergraph/outbox';
import { createJobQueue, createJobWorker, type JobProcessor, type JobQueue, type JobWorker } from '@supergraph/queue';
import { closeRedis, createRedisClient, waitForReady } from '@supergraph/redis';
import type { SubgraphDeps, SubgraphSettings } from './build-subgraph';

/** A subgraph's background side: its job processors and its outbox relay. */
export interface WorkerDefinition {
  name: string;
  setup(deps: SubgraphDeps): {
    /** Processor per queue name. */
    processors: Record<string, JobProcessor>;
    /** Swept in this process, so events that missed Redis at write time still get enqueued. */
    relay?: OutboxRelay;
    /** Extra cleanup (e.g. closing a mailer). */
    close?: () => Promise<void> | void;
  };
}

export interface BuiltWorker {
  workers: JobWorker[];
  relay: OutboxRelay | undefined;
  /** Stops the relay, lets running jobs finish within SHUTDOWN_TIMEOUT_MS, closes connections. */
  close(): Promise<{ forced: boolean }>;
}

/** Builds a subgraph's worker process: connections, workers, and a started relay. */
export async function buildWorker(definition: WorkerDefinition, settings: SubgraphSettings, logger: Logger): Promise<BuiltWorker> {
  const connection = await createMongoConnection(settings, logger);
  const redis = createRedisClient(`${definition.name}-worker-state`, settings, logger);
  const cacheRedis = createRedisClient(`${definition.name}-worker-cache`, settings, logger, { failFast: true });
  const cache = createCache({
    redis: cacheRedis,
    namespace: definition.name,
    logger,
    entityTtlSeconds: settings.CACHE_ENTITY_TTL_SECONDS,
    listTtlSeconds: settings.CACHE_LIST_TTL_SECONDS,
  });
  const queues = new Map<string, JobQueue>();
  const queue = (name: string) => {
    let found = queues.get(name);
    if (!found) queues.set(name, (found = createJobQueue(name, settings, logger)));
    return found;
  };
  const { processors, relay, close: closeExtra } = definition.setup({ connection, redis, cache, queue, logger });
  await Promise.all([ensureIndexes(connection), waitForReady(cacheRedis)]);
  const workers = Object.entries(processors).map(([name, processor]) => createJobWorker(name, processor, settings, logger));
  relay?.start();
  let closing: Promise<{ forced: boolean }> | undefined;
  const close = async () => {
    await relay?.stop();
    const results = await Promise.all(workers.map((worker) => worker.close()));
    await Promise.all([...queues.values()].map((producer) => producer.close()));
    await closeExtra?.();
    await Promise.all([closeRedis(redis), closeRedis(cacheRedis)]);
    await connection.close();
    return { forced: results.some((result) => result.forced) };
  };
  return { workers, relay, close: () => (closing ??= close()) };
}
