import { outboxField, type OutboxEvent } from '@supergraph/outbox';
import { Schema, type Connection, type Model, type Types } from 'mongoose';

export interface OrderLineRecord {
  productId: string;
  productName: string;
  quantity: number;
  unitPriceCents: number;
}

/**
 * An order. It is written `pending` before any stock is taken, under a unique
 * (userId, idempotencyKey) index, so one key can only ever make one order. Its outcome is
 * decided once, in `order_outcomes` (./outcome-model), and copied here: `placed` once every
 * line's stock is taken; `failed` when a line cannot be filled, `expired` when the checkout ran
 * out of time first, each once every unit it took is given back (./settlement).
 */
export interface OrderRecord {
  userId: string;
  /** Where the confirmation goes: the buyer's email at checkout (from the signed identity). */
  email: string;
  idempotencyKey: string;
  status: 'pending' | 'placed' | 'failed' | 'expired';
  /**
   * When the checkout that wrote the order stops waiting (its request's deadline): no stock is
   * taken for it afterwards. Absent on orders written before deadlines existed.
   */
  deadlineAt?: Date | null;
  failure: { reason: string; productId: string } | null;
  lines: OrderLineRecord[];
  totalCents: number;
  currency: string;
  /** Side effects recorded by the same write that caused them (see @supergraph/outbox). */
  outbox: OutboxEvent[];
  createdAt: Date;
  updatedAt: Date;
}

export type OrderModel = Model<OrderRecord>;

/** An order as resolvers and the cache see it. */
export interface Order {
  id: string;
  userId: string;
  status: 'PLACED';
  lines: OrderLineRecord[];
  totalCents: number;
  currency: string;
  createdAt: Date;
}

export function toOrder(record: OrderRecord & { _id: Types.ObjectId }): Order {
  return {
    id: String(record._id),
    userId: record.userId,
    status: 'PLACED',
    lines: record.lines.map((line) => ({ ...line })),
    totalCents: record.totalCents,
    currency: record.currency,
    createdAt: record.createdAt,
  };
}

const orderSchema = new Schema<OrderRecord>(
  {
    userId: { type: String, required: true },
    email: { type: String, default: '' },
    idempotencyKey: { type: String, required: true, maxlength: 128 },
    status: { type: String, required: true, enum: ['pending', 'placed', 'failed', 'expired'] },
    deadlineAt: { type: Date, default: null },
    failure: { type: new Schema({ reason: String, productId: String }, { _id: false }), default: null },
    lines: [
      new Schema<OrderLineRecord>(
        {
          productId: { type: String, required: true },
          productName: { type: String, required: true },
          quantity: { type: Number, required: true, min: 1 },
          unitPriceCents: { type: Number, required: true, min: 0 },
        },
        { _id: false },
      ),
    ],
    totalCents: { type: Number, required: true, min: 0 },
    currency: { type: String, required: true },
    outbox: outboxField,
  },
  { collection: 'orders', timestamps: true, strict: 'throw' },
);
orderSchema.index({ userId: 1, idempotencyKey: 1 }, { unique: true, name: 'user_key_unique' });
orderSchema.index({ userId: 1, status: 1, createdAt: -1, _id: -1 }, { name: 'user_recent' });
orderSchema.index({ 'outbox.at': 1 }, { name: 'outbox_at' });
// The reclaim task's read: pending orders, oldest first.
orderSchema.index({ status: 1, createdAt: 1 }, { name: 'status_created' });

export function orderModel(connection: Connection): OrderModel {
  return (connection.models.Order as OrderModel | undefined) ?? connection.model<OrderRecord>('Order', orderSchema);
}
