import type { Logger } from '@supergraph/logger';
import type { OutboxEvent } from './outbox-event';
import type { OutboxSource, Router } from './outbox-routes';
import type { OutboxStore } from './outbox-store';

const CHUNK = 500;

/** What one scan did. */
export interface ScanResult {
  /** Events read from the sources. */
  read: number;
  /** Events that had no pending record and no effect: recorded as pending, due now. */
  tracked: number;
}

/** What {@link scanSources} works with. */
export interface ScanContext {
  store: OutboxStore;
  router: Router;
  sources: readonly OutboxSource[];
  logger: Logger;
  /** Events younger than this are still on their normal path and are left to the next scan. */
  graceMs: number;
  /** Where the first scan of a database starts. */
  firstScanLookbackMs: number;
}

/**
 * The safety net for an event whose API process died between its write and `publish` (so it
 * never became pending). Reads, per source, the events recorded since its cursor, an indexed
 * range on `outbox.at` on MongoDB, and records as pending (due now) each one that is neither
 * pending nor done. The cursor then moves to `now - graceMs`, so an event is missed only if its
 * write became visible more than `graceMs` after the time it carries (a slow write or skewed
 * clocks), and each event is looked at by about one scan.
 */
export async function scanSources(context: ScanContext): Promise<ScanResult> {
  const { store, router, logger } = context;
  const result: ScanResult = { read: 0, tracked: 0 };
  for (const source of context.sources) {
    const name = source.model.collection.collectionName;
    const startedAt = Date.now();
    const settledBy = new Date(startedAt - context.graceMs);
    const from = (await store.cursor(name)) ?? new Date(startedAt - context.firstScanLookbackMs);
    const documents = (await source.model.find({ 'outbox.at': { $gt: from } }, { outbox: 1 }).lean()) as Array<{
      _id: unknown;
      outbox?: OutboxEvent[];
    }>;
    const events = documents.flatMap((document) =>
      (document.outbox ?? [])
        .filter((event) => event.at > from && event.at <= settledBy)
        .map((event) => ({ event, entityId: String(document._id) })),
    );
    result.read += events.length;
    // In chunks, so a long first scan never builds one huge `$in`.
    for (let offset = 0; offset < events.length; offset += CHUNK) {
      const chunk = events.slice(offset, offset + CHUNK);
      const known = await store.known(chunk.map(({ event }) => event._id));
      const unknown = chunk.filter(({ event }) => !known.has(event._id));
      const done = await router.effectsDone(unknown.map(({ event }) => event));
      for (const { event, entityId } of unknown) {
        if (done.has(event._id)) continue;
        if (!router.routeOf(event.type)) {
          logger.warn({ eventId: event._id, type: event.type }, 'outbox scan: no route for this event type');
          continue;
        }
        if (await store.track(event, entityId, new Date())) result.tracked += 1;
      }
    }
    if (settledBy > from) await store.setCursor(name, settledBy);
  }
  return result;
}
