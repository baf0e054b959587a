import type { Logger } from '@supergraph/logger';
import type { JobQueue } from '@supergraph/queue';
import { Schema, type Connection, type Model } from 'mongoose';
import type { OutboxEvent } from './outbox-event';

/** Where one event type goes. */
export interface OutboxRoute {
  queue: JobQueue;
  jobName: string;
}

/** A collection whose documents carry an `outbox` field, and where its event types go. */
export interface OutboxSource {
  /** A model whose documents have an `outbox` array; only `_id` and `outbox` are read. */
  model: { find(filter: Record<string, unknown>, projection: Record<string, 1>): { lean(): PromiseLike<unknown> } };
  routes: Record<string, OutboxRoute>;
}

/** Options for {@link createOutboxRelay}. */
export interface OutboxRelayOptions {
  connection: Connection;
  sources: readonly OutboxSource[];
  logger: Logger;
  /** How often `start()` sweeps. */
  sweepMs: number;
  /** How far back a sweep looks. */
  windowMs: number;
}

/** The job every event becomes. */
export interface OutboxJobData extends Record<string, unknown> {
  eventId: string;
  type: string;
  /** The id of the document holding the event. */
  entityId: string;
  data: Record<string, unknown>;
}

/**
 * Moves outbox events into their queues. `publish` runs right after the write that recorded
 * the event; when Redis is down it simply does not happen then, and a later `sweep` finds the
 * event (not yet marked relayed) and enqueues it. Job id = event id, so an event enqueued
 * twice runs once. Relayed events are marked by an insert into `outbox_relayed`, never by
 * updating the document (FerretDB may lose one of two concurrent updates of a document).
 */
export function createOutboxRelay(options: OutboxRelayOptions) {
  const { connection, sources, logger } = options;
  type Relayed = { _id: string; at: Date };
  const relayed: Model<Relayed> =
    (connection.models.OutboxRelayed as Model<Relayed> | undefined) ??
    connection.model<Relayed>(
      'OutboxRelayed',
      new Schema<Relayed>({ _id: String, at: Date }, { collection: 'outbox_relayed', versionKey: false }),
    );
  const routeOf = (type: string) => sources.map((source) => source.routes[type]).find(Boolean);

  const publish = async (event: OutboxEvent, entityId: string): Promise<boolean> => {
    const route = routeOf(event.type);
    if (!route) throw new Error(`outbox: no route for event type ${event.type}`);
    const data: OutboxJobData = { eventId: event._id, type: event.type, entityId, data: event.data };
    if (!(await route.queue.add(route.jobName, data, event._id))) return false;
    await relayed.create({ _id: event._id, at: event.at }).catch((error: { code?: number }) => {
      if (error.code !== 11000) throw error;
    });
    return true;
  };

  const sweep = async (): Promise<number> => {
    const since = new Date(Date.now() - options.windowMs);
    let enqueued = 0;
    for (const source of sources) {
      const documents = (await source.model.find({ 'outbox.at': { $gte: since } }, { outbox: 1 }).lean()) as Array<{
        _id: unknown;
        outbox: OutboxEvent[];
      }>;
      const events = documents.flatMap((document) =>
        document.outbox.filter((event) => event.at >= since).map((event) => ({ event, entityId: String(document._id) })),
      );
      if (events.length === 0) continue;
      const done = new Set(
        (await relayed.find({ _id: { $in: events.map(({ event }) => event._id) } }, { _id: 1 }).lean()).map((row) => row._id),
      );
      for (const { event, entityId } of events) {
        if (!done.has(event._id) && (await publish(event, entityId))) enqueued += 1;
      }
    }
    // Markers older than the window can never be needed again (no TTL indexes on FerretDB).
    await relayed.deleteMany({ at: { $lt: new Date(since.getTime() - 3_600_000) } });
    if (enqueued > 0) logger.info({ enqueued }, 'outbox relay enqueued pending events');
    return enqueued;
  };

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  return {
    publish,
    sweep,
    /** Sweeps every `sweepMs` until stopped; a failed sweep is logged and retried next time. */
    start() {
      const tick = () => {
        running = sweep()
          .catch((error: unknown) =>
            logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'outbox sweep failed'),
          )
          .finally(() => {
            if (timer) timer = setTimeout(tick, options.sweepMs);
          });
      };
      timer = setTimeout(tick, 0);
    },
    async stop() {
      clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}

export type OutboxRelay = ReturnType<typeof createOutboxRelay>;
