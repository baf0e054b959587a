import { ConfigError } from '@supergraph/config';
import type { Logger } from '@supergraph/logger';
import { withTimeout, type ReadinessChecks } from '@supergraph/server';
import { isDependencyUnavailable } from './is-dependency-unavailable';

/** Options for {@link startDependencyWatchdog}. */
export interface DependencyWatchdogOptions {
  /** The dependencies to watch, as `/readyz` checks them (each rejects when it does not answer). */
  checks: ReadinessChecks;
  /** Give up once a dependency has failed every check for this long; 0 turns the watchdog off. */
  exitAfterMs: number;
  logger: Logger;
  /** What giving up does: the process entries shut down and exit with code 1 (see exitForRestart). */
  onGiveUp(dependency: string): void;
  /** @defaultValue a quarter of `exitAfterMs`, between 250 ms and 5 s */
  intervalMs?: number;
  /** Bound of one check. @defaultValue 2000 ms, as `/readyz` */
  checkTimeoutMs?: number;
}

/** A running watchdog. */
export interface DependencyWatchdog {
  /** Stops checking (at shutdown). Safe to call twice. */
  stop(): void;
}

/**
 * The backstop of self-healing. MongoDB's and Redis' clients reconnect by themselves (and
 * libs/mongo works around the driver bug that once stopped that); should one ever stay
 * disconnected anyway, or a dependency stay away for long, this ends the process so that its
 * supervisor (Docker's restart policy, Kubernetes, the dev launcher) starts a fresh one. It runs
 * the checks every `intervalMs`, logs a dependency's loss at warn and its return at info once
 * each, and calls `onGiveUp` once a dependency has failed every check for `exitAfterMs`.
 * Its timer never keeps a process alive. Throws a TypeError for a negative `exitAfterMs`.
 */
export function startDependencyWatchdog(options: DependencyWatchdogOptions): DependencyWatchdog {
  const { checks, exitAfterMs, logger, onGiveUp } = options;
  if (!Number.isInteger(exitAfterMs) || exitAfterMs < 0) {
    throw new TypeError(`dependency watchdog: exitAfterMs must be an integer >= 0, got ${exitAfterMs}`);
  }
  if (exitAfterMs === 0) return { stop: () => undefined };
  const intervalMs = options.intervalMs ?? Math.min(Math.max(Math.floor(exitAfterMs / 4), 250), 5_000);
  const checkTimeoutMs = options.checkTimeoutMs ?? 2_000;
  const downSince = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const check = async ([name, run]: [string, () => Promise<unknown>]) => {
    const startedAt = Date.now();
    try {
      await withTimeout(run(), checkTimeoutMs, `no answer within ${checkTimeoutMs} ms`);
      const since = downSince.get(name);
      if (since === undefined) return;
      downSince.delete(name);
      logger.info({ dependency: name, downForMs: Date.now() - since }, 'dependency reachable again');
    } catch (error) {
      if (downSince.has(name)) return;
      downSince.set(name, startedAt);
      logger.warn(
        { dependency: name, err: error instanceof Error ? error.message : String(error), exitAfterMs },
        'dependency unreachable: its client keeps reconnecting',
      );
    }
  };
  const tick = async () => {
    await Promise.all(Object.entries(checks).map(check));
    if (stopped) return;
    const now = Date.now();
    for (const [name, since] of downSince) {
      if (now - since < exitAfterMs) continue;
      stopped = true;
      logger.fatal(
        { dependency: name, downForMs: now - since, exitAfterMs },
        'dependency unreachable for too long: exiting so that a fresh process replaces this one',
      );
      onGiveUp(name);
      return;
    }
    schedule();
  };
  const schedule = () => {
    timer = setTimeout(() => void tick(), intervalMs);
    timer.unref();
  };
  schedule();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/**
 * Ends the process for its supervisor to restart: a graceful `shutdown` first, then exit code 1
 * whatever it did, and at the latest after `timeoutMs` (a shutdown can wait on the very
 * dependency that is gone).
 */
export function exitForRestart(shutdown: () => Promise<unknown>, timeoutMs: number, logger: Logger): void {
  const force = setTimeout(() => process.exit(1), timeoutMs);
  shutdown()
    .catch((error: unknown) => logger.error({ err: error }, 'shutdown before restart failed'))
    .finally(() => {
      clearTimeout(force);
      process.exit(1);
    });
}

/**
 * What a process entry prints when it cannot start: a config error as its message (the
 * operator's to fix), a store that is not there in one line (its supervisor retries, and the
 * driver's state dump would fill the log at each retry), anything else whole.
 */
export function bootFailure(error: unknown): unknown {
  if (error instanceof ConfigError) return error.message;
  if (isDependencyUnavailable(error) && error instanceof Error) {
    return `cannot start: a store is unavailable (${error.name}: ${error.message}); exiting for the supervisor to retry`;
  }
  return error;
}
