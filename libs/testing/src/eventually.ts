import { setTimeout as sleep } from 'node:timers/promises';

/** Options for {@link eventually}. */
export interface EventuallyOptions {
  /** How long to keep trying. @defaultValue 10000 */
  timeoutMs?: number;
  /** Pause between tries. @defaultValue 50 */
  intervalMs?: number;
}

/**
 * Runs `check` until it stops throwing, then returns its result; past the deadline, throws the
 * last failure. For state that settles asynchronously (a cache write, a job), never for timing.
 */
export async function eventually<T>(check: () => T | Promise<T>, options: EventuallyOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await sleep(options.intervalMs ?? 50);
    }
  }
}
