import { Schema, type Connection, type Model } from 'mongoose';

/**
 * How an order ended, decided once: the first insert for an order id wins, on MongoDB and
 * FerretDB alike (a unique `_id`), where a conditional update of the order could be applied
 * twice on FerretDB. A checkout, its retries and the reclaim task may race to decide; every
 * one of them then follows the decision that won, so an order is never both placed and given back.
 */
export interface OrderOutcomeRecord {
  /** The order's id. */
  _id: string;
  outcome: 'placed' | 'failed' | 'expired';
  /** Why a `failed` order failed. */
  failure: { reason: string; productId: string } | null;
  createdAt: Date;
}

export type OrderOutcomeModel = Model<OrderOutcomeRecord>;

const outcomeSchema = new Schema<OrderOutcomeRecord>(
  {
    _id: { type: String, required: true },
    outcome: { type: String, required: true, enum: ['placed', 'failed', 'expired'] },
    failure: { type: new Schema({ reason: String, productId: String }, { _id: false }), default: null },
  },
  { collection: 'order_outcomes', timestamps: { createdAt: true, updatedAt: false }, strict: 'throw', versionKey: false },
);

export function orderOutcomeModel(connection: Connection): OrderOutcomeModel {
  return (
    (connection.models.OrderOutcome as OrderOutcomeModel | undefined) ??
    connection.model<OrderOutcomeRecord>('OrderOutcome', outcomeSchema)
  );
}
