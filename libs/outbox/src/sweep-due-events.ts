import type { OutboxJobData, Router } from './outbox-routes';
import type { OutboxStore, PendingEvent } from './outbox-store';

/** What one sweep did. */
export interface SweepResult {
  /** Due events looked at. */
  due: number;
  /** Re-enqueued: Redis held no job for them (never enqueued, or lost with Redis' data). */
  enqueued: number;
  /** Found done (effect recorded, or job completed) and no longer pending. */
  done: number;
  /** Still in the queue (waiting, active, delayed...): looked at again after a backoff. */
  queued: number;
  /** Their job failed for good: kept for inspection, never due again. */
  failed: number;
}

/** What {@link sweepDueEvents} works with. */
export interface SweepContext {
  store: OutboxStore;
  router: Router;
  /** First wait before a re-enqueued or still queued event is looked at again; doubles each time. */
  backoffMs: number;
  /** The longest such wait. */
  backoffMaxMs: number;
  /** Due events read per query. */
  batchSize: number;
}

export const jobDataOf = (event: Pick<PendingEvent, '_id' | 'type' | 'entityId' | 'data'>): OutboxJobData => ({
  eventId: event._id,
  type: event.type,
  entityId: event.entityId,
  data: event.data ?? {},
});

/**
 * Looks at every pending event due by now. Done (its effect recorded, or its job completed):
 * settled. Its job failed for good: kept as failed. Its job still in the queue: looked at later.
 * No job in Redis at all: enqueued again (job id = event id), whatever Redis lost. Rejects when
 * Redis cannot be reached, leaving the rest due for the next sweep. Costs one indexed read of
 * `outbox_pending` when nothing is due, and reads no event history.
 */
export async function sweepDueEvents(context: SweepContext, now = new Date()): Promise<SweepResult> {
  const { store, router } = context;
  const result: SweepResult = { due: 0, enqueued: 0, done: 0, queued: 0, failed: 0 };
  const later = (event: PendingEvent) =>
    store.later(event._id, new Date(Date.now() + Math.min(context.backoffMs * 2 ** event.checks, context.backoffMaxMs)));
  const seen = new Set<string>();
  for (;;) {
    const batch = (await store.due(now, context.batchSize)).filter((event) => !seen.has(event._id));
    if (batch.length === 0) return result;
    for (const event of batch) seen.add(event._id);
    result.due += batch.length;
    const done = await router.effectsDone(batch);
    for (const event of batch) {
      const route = router.routeOf(event.type);
      if (done.has(event._id)) {
        await store.settle(event._id);
        result.done += 1;
      } else if (!route) {
        await store.fail(event._id, `no route for event type ${event.type}`);
        result.failed += 1;
      } else {
        const state = await route.queue.state(event._id);
        if (state === 'completed') {
          // The processor returned without an effect to record (e.g. the address was already verified).
          await store.settle(event._id);
          result.done += 1;
        } else if (state === 'failed') {
          await store.fail(event._id, 'its job failed for good (see the failed jobs of its queue)');
          result.failed += 1;
        } else if (state === 'unknown') {
          if (!(await route.queue.add(route.jobName, jobDataOf(event), event._id))) {
            throw new Error(`could not enqueue ${event._id}: Redis is unreachable`);
          }
          await later(event);
          result.enqueued += 1;
        } else {
          await later(event);
          result.queued += 1;
        }
      }
    }
    if (batch.length < context.batchSize) return result;
  }
}
