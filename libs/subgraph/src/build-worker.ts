import type { Logger } from '@supergraph/logger';
import { ensureIndexes, pingMongo } from '@supergraph/mongo';
import type { OutboxRelay } from '@supergraph/outbox';
import { createJobWorker, type JobProcessor, type JobWorker } from '@supergraph/queue';
import { pingRedis, waitForReady } from '@supergraph/redis';
import type { ReadinessChecks } from '@supergraph/server';
import type { SubgraphDeps, SubgraphSettings } from './build-subgraph';
import { openSubgraphDeps } from './open-subgraph-deps';
import { startWorkerTask, type WorkerTask } from './worker-task';

/** A subgraph's background side: its job processors and its outbox relay. */
export interface WorkerDefinition {
  name: string;
  setup(deps: SubgraphDeps): {
    /** Processor per queue name. */
    processors: Record<string, JobProcessor>;
    /** Swept in this process, so events that missed Redis at write time still get enqueued. */
    relay?: OutboxRelay;
    /** Work repeated in this process (every worker process runs it: it must be safe to). */
    tasks?: readonly WorkerTask[];
    /** Extra cleanup (e.g. closing a mailer). */
    close?: () => Promise<void> | void;
  };
}

export interface BuiltWorker {
  workers: JobWorker[];
  relay: OutboxRelay | undefined;
  /** MongoDB, the durable Redis and each queue's connection, for `/readyz` and the watchdog. */
  readiness: ReadinessChecks;
  /** Stops the relay, lets running jobs finish within SHUTDOWN_TIMEOUT_MS, closes connections. */
  close(): Promise<{ forced: boolean }>;
}

/**
 * A BullMQ worker's two connections are connected: its client, and its blocking one (busy in a
 * blocking pop, so a PING would wait behind it). The server itself is pinged by `redis`.
 */
async function checkQueueConnections(worker: JobWorker['worker']): Promise<void> {
  const backend = worker.getBackend();
  for (const [role, client] of [
    ['client', await backend.client],
    ['blocking', await backend.blockingClient],
  ] as const) {
    if (client && client.status !== 'ready') throw new Error(`${role} connection ${client.status}`);
  }
}

/** Builds a subgraph's worker process: connections, workers, and a started relay. */
export async function buildWorker(
  definition: WorkerDefinition,
  settings: SubgraphSettings,
  logger: Logger,
): Promise<BuiltWorker> {
  const opened = await openSubgraphDeps(definition.name, `${definition.name}-worker`, settings, logger);
  const { connection, redis, cache, queue, cacheRedis } = opened;
  const { processors, relay, tasks = [], close: closeExtra } = definition.setup({ connection, redis, cache, queue, logger });
  await Promise.all([ensureIndexes(connection), waitForReady(cacheRedis)]);
  const workers = Object.entries(processors).map(([name, processor]) => createJobWorker(name, processor, settings, logger));
  relay?.start();
  const stopTasks = tasks.map((task) => startWorkerTask(task, logger));
  let closing: Promise<{ forced: boolean }> | undefined;
  const close = async () => {
    await Promise.all([relay?.stop(), ...stopTasks.map((stop) => stop())]);
    const results = await Promise.all(workers.map((worker) => worker.close()));
    await closeExtra?.();
    await opened.close();
    return { forced: results.some((result) => result.forced) };
  };
  const readiness: ReadinessChecks = {
    mongo: () => pingMongo(connection),
    redis: () => pingRedis(redis),
    // Each BullMQ worker's own connections: they reconnect by themselves, and this shows that they did.
    ...Object.fromEntries(workers.map(({ worker }) => [`queue:${worker.name}`, () => checkQueueConnections(worker)])),
  };
  return { workers, relay, readiness, close: () => (closing ??= close()) };
}
