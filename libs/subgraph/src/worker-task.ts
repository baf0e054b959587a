import type { Logger } from '@supergraph/logger';

/**
 * Work a worker process repeats on its own clock (e.g. reclaiming abandoned orders). Every
 * worker process runs it, so it must be safe to run several times at once, and to stop midway.
 */
export interface WorkerTask {
  name: string;
  /** The pause after one run ends and before the next starts. */
  everyMs: number;
  /** One run; what it resolves to is logged at debug (a task logs what matters itself). */
  run(): Promise<unknown>;
}

/**
 * Runs `task` now, then `everyMs` after each run ends, until the returned stop is called (which
 * waits for a run in progress). A failed run is logged and the next one runs on time: a
 * background loop never throws. Throws a TypeError for a bad `everyMs`.
 */
export function startWorkerTask(task: WorkerTask, logger: Logger): () => Promise<void> {
  if (!Number.isInteger(task.everyMs) || task.everyMs <= 0) {
    throw new TypeError(`worker task ${task.name}: everyMs must be a positive integer, got ${task.everyMs}`);
  }
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = task
      .run()
      .then(
        (result) => logger.debug({ task: task.name, result }, 'worker task done'),
        (error: unknown) =>
          logger.warn({ task: task.name, err: error instanceof Error ? error.message : String(error) }, 'worker task failed'),
      )
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, task.everyMs);
      });
  };
  timer = setTimeout(tick, 0);
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}
