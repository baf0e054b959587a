import type { Logger } from '@supergraph/logger';
import { closeRedis, createRedisClient } from '@supergraph/redis';
import { Worker, type Job } from 'bullmq';
import { queuePrefix, queueRedisSettings, type QueueSettings } from './settings';

export type JobProcessor = (job: Job) => Promise<unknown>;

/** A running worker; `close` lets running jobs finish within the shutdown budget. */
export interface JobWorker {
  worker: Worker;
  close(): Promise<{ forced: boolean }>;
}

/**
 * A BullMQ worker with the concurrency and stalled-job check of the config presets. A job whose
 * worker died (no lock renewal for WORKER_LOCK_DURATION_MS) is taken back and run again, so
 * processors must be idempotent. Errors are logged, never thrown from the emitter.
 */
export function createJobWorker(name: string, processor: JobProcessor, settings: QueueSettings, logger: Logger): JobWorker {
  const connection = createRedisClient(`${name}-worker`, queueRedisSettings(settings), logger, { forQueue: true });
  const worker = new Worker(name, processor, {
    connection,
    prefix: queuePrefix(settings),
    concurrency: settings.WORKER_CONCURRENCY,
    skipStalledCheck: settings.DISABLE_STALLED_JOB_CHECK,
    lockDuration: settings.WORKER_LOCK_DURATION_MS,
    stalledInterval: Math.max(Math.floor(settings.WORKER_LOCK_DURATION_MS / 2), 500),
    maxStalledCount: 3,
  });
  worker.on('error', (error) => logger.error({ queue: name, err: error.message }, 'worker error'));
  worker.on('failed', (job, error) =>
    logger.warn({ queue: name, jobId: job?.id, attempt: job?.attemptsMade, err: error.message }, 'job failed'),
  );
  worker.on('completed', (job) => logger.debug({ queue: name, jobId: job.id }, 'job done'));
  let closing: Promise<{ forced: boolean }> | undefined;
  const close = async (): Promise<{ forced: boolean }> => {
    let forced = false;
    const budget = new Promise<'timeout'>((resolve) =>
      setTimeout(() => resolve('timeout'), settings.SHUTDOWN_TIMEOUT_MS).unref(),
    );
    // Running jobs finish; a job still running when the budget is spent is left locked and is
    // taken back by another worker once its lock expires: never lost.
    if ((await Promise.race([worker.close(), budget])) === 'timeout') {
      forced = true;
      await worker.close(true);
    }
    await closeRedis(connection);
    return { forced };
  };
  return { worker, close: () => (closing ??= close()) };
}
