import type { Logger } from '@supergraph/logger';
import { UnrecoverableError, type Job, type JobProcessor } from '@supergraph/queue';
import type { Connection } from 'mongoose';
import type { OutboxEvent } from './outbox-event';
import { createRouter, type OutboxSource } from './outbox-routes';
import { createOutboxStore } from './outbox-store';
import { scanSources, type ScanResult } from './scan-sources';
import { jobDataOf, sweepDueEvents, type SweepResult } from './sweep-due-events';

/** The relay's timing; the names match the config variables (`workerVars` in @supergraph/config). */
export interface OutboxSettings {
  /** How often `start()` sweeps for due events. */
  OUTBOX_SWEEP_MS: number;
  /** How long an event is left to its job before the sweep checks that its effect is recorded. */
  OUTBOX_GRACE_MS: number;
  /** First wait before a re-enqueued or still queued event is checked again; doubles each time. */
  OUTBOX_BACKOFF_MS: number;
  /** The longest wait between two checks of one event. */
  OUTBOX_BACKOFF_MAX_MS: number;
  /** How often `start()` scans the sources for events that never became pending. */
  OUTBOX_SCAN_MS: number;
}

const SETTING_NAMES = [
  'OUTBOX_SWEEP_MS',
  'OUTBOX_GRACE_MS',
  'OUTBOX_BACKOFF_MS',
  'OUTBOX_BACKOFF_MAX_MS',
  'OUTBOX_SCAN_MS',
] as const satisfies ReadonlyArray<keyof OutboxSettings>;

/** Options for {@link createOutboxRelay}. */
export interface OutboxRelayOptions {
  connection: Connection;
  sources: readonly OutboxSource[];
  logger: Logger;
  settings: OutboxSettings;
  /** Where the first scan of a database starts, back from now. @defaultValue 86_400_000 (a day) */
  firstScanLookbackMs?: number;
  /** Due events read per query of a sweep. @defaultValue 200 */
  batchSize?: number;
}

const isLastAttempt = (job: Job, error: unknown) =>
  error instanceof UnrecoverableError ||
  (error instanceof Error && error.name === 'UnrecoverableError') ||
  job.attemptsMade + 1 >= (job.opts.attempts ?? 1);

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Runs `run` now and then `everyMs` after each run ends, until the returned stop is called. */
function repeat(everyMs: number, run: () => Promise<unknown>): () => Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = run().finally(() => {
      if (timer) timer = setTimeout(tick, everyMs);
    });
  };
  timer = setTimeout(tick, 0);
  return async () => {
    clearTimeout(timer);
    timer = undefined;
    await running;
  };
}

/**
 * Moves outbox events into their queues, and makes sure each one's effect gets recorded.
 *
 * `publish` runs right after the write that recorded the event: it records the event as pending
 * (due after `OUTBOX_GRACE_MS`) and enqueues it (job id = event id) through a fail-fast producer.
 * A processor wrapped by `processor` settles the event once it returned, i.e. once its effect is
 * recorded. An event is done then, not when it reached Redis: the sweep re-enqueues every due
 * event with no effect recorded and no job in Redis, whatever Redis lost, and duplicates stay
 * harmless because processors check their effect record. See docs/architecture.md.
 */
export function createOutboxRelay(options: OutboxRelayOptions) {
  const { connection, sources, logger, settings } = options;
  for (const name of SETTING_NAMES) {
    const value = settings[name];
    if (!Number.isInteger(value) || value <= 0) throw new TypeError(`outbox: ${name} must be a positive integer, got ${value}`);
  }
  if (settings.OUTBOX_BACKOFF_MAX_MS < settings.OUTBOX_BACKOFF_MS) {
    throw new TypeError(
      `outbox: OUTBOX_BACKOFF_MAX_MS (${settings.OUTBOX_BACKOFF_MAX_MS}) is below OUTBOX_BACKOFF_MS (${settings.OUTBOX_BACKOFF_MS})`,
    );
  }
  const store = createOutboxStore(connection);
  const router = createRouter(sources);

  const publish = async (event: OutboxEvent, entityId: string): Promise<boolean> => {
    const route = router.routeOf(event.type);
    if (!route) throw new Error(`outbox: no route for event type ${event.type}`);
    try {
      await store.track(event, entityId, new Date(Date.now() + settings.OUTBOX_GRACE_MS));
    } catch (error) {
      // The change is written; the scan finds its event. The mutation must not fail for this.
      logger.warn({ eventId: event._id, err: message(error) }, 'outbox: event not recorded as pending, left to the scan');
    }
    const enqueued = await route.queue.add(route.jobName, jobDataOf({ ...event, entityId }), event._id);
    // Redis is down: the first sweep after it is back enqueues the event, without waiting for the grace.
    if (!enqueued) await store.dueNow(event._id).catch(() => undefined);
    return enqueued;
  };

  const sweep = (): Promise<SweepResult> =>
    sweepDueEvents({
      store,
      router,
      backoffMs: settings.OUTBOX_BACKOFF_MS,
      backoffMaxMs: settings.OUTBOX_BACKOFF_MAX_MS,
      batchSize: options.batchSize ?? 200,
    });

  const scan = (): Promise<ScanResult> =>
    scanSources({
      store,
      router,
      sources,
      logger,
      graceMs: settings.OUTBOX_GRACE_MS,
      firstScanLookbackMs: options.firstScanLookbackMs ?? 86_400_000,
    });

  let stops: Array<() => Promise<void>> = [];
  return {
    publish,
    /** Looks at every due event once (see {@link sweepDueEvents}). */
    sweep,
    /** Finds events that never became pending (see {@link scanSources}). */
    scan,
    /** How many events wait for their effect, and how many failed for good. */
    backlog: () => store.backlog(),
    /**
     * Wraps a queue's processor: once it returned, its event is settled (its effect is recorded,
     * or there was none to make); when it failed for the last time, the event is kept as failed,
     * so no sweep re-enqueues it. A failed bookkeeping write is left to the sweep.
     */
    processor(process: JobProcessor): JobProcessor {
      return async (job: Job) => {
        const eventId = String((job.data as Partial<{ eventId: string }>).eventId ?? job.id);
        try {
          const result = await process(job);
          await store.settle(eventId).catch((error: unknown) => {
            logger.warn({ eventId, err: message(error) }, 'outbox: could not settle the event, left to the sweep');
          });
          return result;
        } catch (error) {
          if (isLastAttempt(job, error)) {
            await store.fail(eventId, message(error)).catch(() => undefined);
          }
          throw error;
        }
      };
    },
    /** Sweeps every OUTBOX_SWEEP_MS and scans every OUTBOX_SCAN_MS (both at once first) until stopped. */
    start() {
      if (stops.length > 0) return;
      const logged =
        <T>(what: string, run: () => Promise<T>, report: (result: T) => void) =>
        () =>
          run()
            .then(report)
            .catch((error: unknown) => logger.warn({ err: message(error) }, `outbox ${what} failed`));
      stops = [
        repeat(
          settings.OUTBOX_SWEEP_MS,
          logged('sweep', sweep, (result) => {
            if (result.enqueued > 0) logger.info(result, 'outbox sweep re-enqueued events Redis had no job for');
            if (result.failed > 0) logger.warn(result, 'outbox sweep found events whose job failed for good');
          }),
        ),
        repeat(
          settings.OUTBOX_SCAN_MS,
          logged('scan', scan, (result) => {
            if (result.tracked > 0) logger.warn(result, 'outbox scan found events that never became pending');
          }),
        ),
      ];
    },
    /** Stops both loops, waiting for a running sweep or scan. Safe to call twice. */
    async stop() {
      const running = stops;
      stops = [];
      await Promise.all(running.map((stop) => stop()));
    },
  };
}

export type OutboxRelay = ReturnType<typeof createOutboxRelay>;
