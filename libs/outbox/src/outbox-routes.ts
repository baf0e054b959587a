import type { JobQueue } from '@supergraph/queue';
import type { EffectRecords } from './effect-log';

/** Where one event type goes, and where its effect is recorded. */
export interface OutboxRoute {
  queue: JobQueue;
  jobName: string;
  /** The effect record the job writes (a delivery log, an effect log): an event is done once it exists. */
  effects: EffectRecords;
}

/** A collection whose documents carry an `outbox` field, and where its event types go. */
export interface OutboxSource {
  /** A model whose documents have an `outbox` array; only `_id` and `outbox` are read. */
  model: {
    collection: { collectionName: string };
    find(filter: Record<string, unknown>, projection: Record<string, 1>): { lean(): PromiseLike<unknown> };
  };
  routes: Record<string, OutboxRoute>;
}

/** The job every event becomes. */
export interface OutboxJobData extends Record<string, unknown> {
  eventId: string;
  type: string;
  /** The id of the document holding the event. */
  entityId: string;
  data: Record<string, unknown>;
}

/** Route lookup over every source, and the effect check of a batch of events. */
export function createRouter(sources: readonly OutboxSource[]) {
  const routes = new Map<string, OutboxRoute>();
  for (const source of sources) {
    for (const [type, route] of Object.entries(source.routes)) {
      if (routes.has(type)) throw new TypeError(`outbox: event type "${type}" is routed twice`);
      routes.set(type, route);
    }
  }
  return {
    routeOf: (type: string): OutboxRoute | undefined => routes.get(type),
    /** The ids among `events` whose effect is recorded, one query per effect log. */
    async effectsDone(events: ReadonlyArray<{ _id: string; type: string }>): Promise<Set<string>> {
      const byLog = new Map<EffectRecords, string[]>();
      for (const event of events) {
        const effects = routes.get(event.type)?.effects;
        if (effects) byLog.set(effects, [...(byLog.get(effects) ?? []), event._id]);
      }
      const done = new Set<string>();
      for (const [effects, ids] of byLog) for (const id of await effects.done(ids)) done.add(id);
      return done;
    },
  };
}

export type Router = ReturnType<typeof createRouter>;
