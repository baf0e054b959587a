import { Schema, type Connection, type Model } from 'mongoose';
import type { OutboxEvent } from './outbox-event';

/**
 * An event whose effect is not known to be recorded yet, one document per event in
 * `outbox_pending`. It is what the sweep reads (by due time), so a sweep costs what is due,
 * never the history of the collections that hold the events.
 */
export interface PendingEvent {
  /** The event id, which is also its job id. */
  _id: string;
  type: string;
  /** The id of the document holding the event. */
  entityId: string;
  data: Record<string, unknown>;
  /** When the event was recorded. */
  at: Date;
  /** When the sweep looks at it next; null once its job failed for good (kept for inspection). */
  dueAt: Date | null;
  /** How often the sweep looked at it: the exponent of its backoff. */
  checks: number;
  /** Why its job failed for good. */
  failure: string | null;
}

interface ScanCursor {
  /** The source collection's name. */
  _id: string;
  /** Events recorded up to here have been scanned. */
  scannedTo: Date;
}

function model<T>(connection: Connection, name: string, schema: Schema<T>): Model<T> {
  return (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, schema);
}

const pendingSchema = new Schema<PendingEvent>(
  {
    _id: String,
    type: { type: String, required: true },
    entityId: { type: String, required: true },
    data: { type: Schema.Types.Mixed, default: {} },
    at: { type: Date, required: true },
    dueAt: { type: Date, default: null },
    checks: { type: Number, default: 0 },
    failure: { type: String, default: null },
  },
  { collection: 'outbox_pending', versionKey: false, minimize: false },
);
pendingSchema.index({ dueAt: 1 }, { name: 'due' });

/**
 * The relay's own records. Every write is a single-document insert, update or delete by `_id`
 * on these collections, never on the documents that hold the events (FerretDB may lose one of
 * two concurrent updates of a document, and those belong to the API).
 */
export function createOutboxStore(connection: Connection) {
  const pending = model(connection, 'OutboxPending', pendingSchema);
  const cursors = model(
    connection,
    'OutboxScanCursor',
    new Schema<ScanCursor>(
      { _id: String, scannedTo: { type: Date, required: true } },
      { collection: 'outbox_cursors', versionKey: false },
    ),
  );
  return {
    /** Records the event as pending, due at `dueAt`; false when it already was (kept as it is). */
    async track(event: OutboxEvent, entityId: string, dueAt: Date): Promise<boolean> {
      try {
        await pending.create({ _id: event._id, type: event.type, entityId, data: event.data, at: event.at, dueAt, checks: 0 });
        return true;
      } catch (error) {
        if ((error as { code?: number }).code === 11000) return false;
        throw error;
      }
    },
    /** Pending events due by `now`, soonest first. */
    due: (now: Date, limit: number): Promise<PendingEvent[]> =>
      pending
        .find({ dueAt: { $lte: now } })
        .sort({ dueAt: 1 })
        .limit(limit)
        .lean<PendingEvent[]>(),
    /** The ids among `ids` that are recorded, pending or failed. */
    async known(ids: readonly string[]): Promise<Set<string>> {
      if (ids.length === 0) return new Set();
      const rows = await pending.find({ _id: { $in: [...ids] } }, { _id: 1 }).lean();
      return new Set(rows.map((row) => row._id));
    },
    /** The event is done: it is no longer pending. */
    settle: async (id: string) => void (await pending.deleteOne({ _id: id })),
    /** Its job failed for good: kept with the reason, never due again. */
    fail: async (id: string, failure: string) =>
      void (await pending.updateOne({ _id: id }, { $set: { dueAt: null, failure: failure.slice(0, 1_000) } })),
    /** Looked at again at `dueAt`, one backoff step further. */
    later: async (id: string, dueAt: Date) =>
      void (await pending.updateOne({ _id: id }, { $set: { dueAt }, $inc: { checks: 1 } })),
    /** Due at once (its enqueue failed), unless it failed for good. */
    dueNow: async (id: string) =>
      void (await pending.updateOne({ _id: id, dueAt: { $ne: null } }, { $set: { dueAt: new Date() } })),
    /** How far the scan of `source` got, if it ever ran on this database. */
    async cursor(source: string): Promise<Date | undefined> {
      return (await cursors.findById(source).lean())?.scannedTo;
    },
    setCursor: async (source: string, scannedTo: Date) =>
      void (await cursors.updateOne({ _id: source }, { $set: { scannedTo } }, { upsert: true })),
    /** Events waiting for their effect, and events whose job failed for good. */
    async backlog(): Promise<{ pending: number; failed: number }> {
      const [waiting, failed] = await Promise.all([
        pending.countDocuments({ dueAt: { $ne: null } }),
        pending.countDocuments({ dueAt: null }),
      ]);
      return { pending: waiting, failed };
    },
  };
}

export type OutboxStore = ReturnType<typeof createOutboxStore>;
