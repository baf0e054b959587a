import type { Logger } from '@supergraph/logger';
import { ensureIndexes } from '@supergraph/mongo';
import type { OutboxRelay } from '@supergraph/outbox';
import { createJobWorker, type JobProcessor, type JobWorker } from '@supergraph/queue';
import { waitForReady } from '@supergraph/redis';
import type { SubgraphDeps, SubgraphSettings } from './build-subgraph';
import { openSubgraphDeps } from './open-subgraph-deps';

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
export async function buildWorker(
  definition: WorkerDefinition,
  settings: SubgraphSettings,
  logger: Logger,
): Promise<BuiltWorker> {
  const opened = await openSubgraphDeps(definition.name, `${definition.name}-worker`, settings, logger);
  const { connection, redis, cache, queue, cacheRedis } = opened;
  const { processors, relay, close: closeExtra } = definition.setup({ connection, redis, cache, queue, logger });
  await Promise.all([ensureIndexes(connection), waitForReady(cacheRedis)]);
  const workers = Object.entries(processors).map(([name, processor]) => createJobWorker(name, processor, settings, logger));
  relay?.start();
  let closing: Promise<{ forced: boolean }> | undefined;
  const close = async () => {
    await relay?.stop();
    const results = await Promise.all(workers.map((worker) => worker.close()));
    await closeExtra?.();
    await opened.close();
    return { forced: results.some((result) => result.forced) };
  };
  return { workers, relay, close: () => (closing ??= close()) };
}
