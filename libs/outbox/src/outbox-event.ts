import { Schema } from 'mongoose';

/**
 * A side effect to run, recorded in the same document (and the same single-document write) as
 * the change that causes it, so the change and its side effect can never be separated: no
 * multi-document transaction needed, which FerretDB does not have.
 */
export interface OutboxEvent {
  /** Also the job id: deterministic, so enqueueing it twice runs it once. No `:` (BullMQ). */
  _id: string;
  type: string;
  at: Date;
  /** What the job needs beyond the document's id (e.g. the tags a post left). */
  data: Record<string, unknown>;
}

/** The `outbox` field of a mongoose schema. */
export const outboxField = {
  type: [
    new Schema<OutboxEvent>(
      {
        _id: { type: String, required: true },
        type: { type: String, required: true },
        at: { type: Date, required: true },
        data: { type: Schema.Types.Mixed, default: {} },
      },
      { _id: false },
    ),
  ],
  default: () => [],
};

/** A new event; `key` makes its id unique and repeatable, e.g. the order id. */
export function outboxEvent(type: string, key: string, data: Record<string, unknown> = {}, at = new Date()): OutboxEvent {
  const id = `${type}.${key}`.replace(/:/g, '-');
  return { _id: id, type, at, data };
}
