import { Schema, type Connection, type Model } from 'mongoose';

/**
 * Whether events' effects are recorded: what the outbox relay asks before it re-enqueues an
 * event. An event is done when its effect is recorded, never merely because its job reached Redis.
 */
export interface EffectRecords {
  /** The keys (event ids) among `keys` whose effect is recorded. */
  done(keys: readonly string[]): Promise<Set<string>>;
}

/** Options for {@link createEffectLog}. */
export interface EffectLogOptions {
  connection: Connection;
  /** The mongoose model name, unique on the connection, e.g. `TagRecount`. */
  modelName: string;
  /** The collection, e.g. `tag_recounts`. */
  collection: string;
}

interface EffectRecord {
  _id: string;
  at: Date;
}

/**
 * A log of applied effects keyed by event id: `once` applies an effect unless its record exists,
 * then writes the record (an insert, which a unique `_id` makes safe under races on MongoDB and
 * FerretDB alike). Only a crash between applying and recording can apply an effect twice, so an
 * effect logged here must be idempotent or as harmless to repeat as an email
 * (`@supergraph/mail`'s delivery log is the same idea for emails).
 */
export function createEffectLog(options: EffectLogOptions): EffectLog {
  const { connection, modelName, collection } = options;
  const records: Model<EffectRecord> =
    (connection.models[modelName] as Model<EffectRecord> | undefined) ??
    connection.model<EffectRecord>(
      modelName,
      new Schema<EffectRecord>({ _id: String, at: Date }, { collection, versionKey: false }),
    );
  return {
    async once(key: string, apply: () => Promise<void>): Promise<boolean> {
      if (await records.exists({ _id: key })) return false;
      await apply();
      await records.create({ _id: key, at: new Date() }).catch((error: { code?: number }) => {
        if (error.code !== 11000) throw error;
      });
      return true;
    },
    async done(keys: readonly string[]): Promise<Set<string>> {
      if (keys.length === 0) return new Set();
      const rows = await records.find({ _id: { $in: [...keys] } }, { _id: 1 }).lean();
      return new Set(rows.map((row) => row._id));
    },
  };
}

/** An effect log: {@link EffectRecords} plus `once`, which applies an effect and records it. */
export interface EffectLog extends EffectRecords {
  /** Runs `apply` unless `key` is recorded, then records it; true when it ran now. */
  once(key: string, apply: () => Promise<void>): Promise<boolean>;
}
