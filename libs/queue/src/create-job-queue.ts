import type { Logger } from '@supergraph/logger';
import { closeRedis, createRedisClient, type RedisClient } from '@supergraph/redis';
import { Queue, type JobState } from 'bullmq';
import { queuePrefix, queueRedisSettings, type QueueSettings } from './settings';

/** A producer: what an API process uses to enqueue side effects. */
export interface JobQueue {
  queue: Queue;
  /**
   * Adds a job whose id is the event's id, so adding it again is ignored. Never throws and never
   * waits on a Redis outage: false means "not enqueued now" (the outbox relay will do it later).
   */
  add(name: string, data: Record<string, unknown>, jobId: string): Promise<boolean>;
  /**
   * Where the job is: waiting, active, delayed..., `completed`, `failed` (for good), or `unknown`
   * when Redis holds no such job (never added, removed, or lost with Redis' data). Rejects when
   * Redis cannot be reached, since "unknown" must never be guessed.
   */
  state(jobId: string): Promise<JobState | 'unknown'>;
  close(): Promise<void>;
}

/**
 * A BullMQ queue with the house defaults: retries with exponential backoff and jitter, failed
 * jobs kept for inspection, completed ones kept a day (so a duplicate id within a day is
 * ignored). Its connection fails fast, so a mutation is never held up by Redis.
 */
export function createJobQueue(name: string, settings: QueueSettings, logger: Logger): JobQueue {
  const connection: RedisClient = createRedisClient(`${name}-producer`, queueRedisSettings(settings), logger, {
    failFast: true,
    commandTimeoutMs: 1_000,
  });
  const queue = new Queue(name, {
    connection,
    prefix: queuePrefix(settings),
    defaultJobOptions: {
      attempts: settings.JOB_ATTEMPTS,
      backoff: { type: 'exponential', delay: settings.JOB_BACKOFF_MS, jitter: 0.5 },
      removeOnComplete: { age: 86_400, count: 100_000 },
      removeOnFail: false,
    },
  });
  queue.on('error', (error) => logger.warn({ queue: name, err: error.message }, 'queue error'));
  let closed: Promise<void> | undefined;
  return {
    queue,
    async add(jobName, data, jobId) {
      try {
        await queue.add(jobName, data, { jobId });
        return true;
      } catch (error) {
        logger.warn(
          { queue: name, jobId, err: error instanceof Error ? error.message : String(error) },
          'enqueue failed: left to the outbox relay',
        );
        return false;
      }
    },
    state: (jobId) => queue.getJobState(jobId),
    close: () =>
      (closed ??= queue
        .close()
        .catch(() => undefined)
        .then(() => closeRedis(connection))),
  };
}
