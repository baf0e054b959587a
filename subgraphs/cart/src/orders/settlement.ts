import type { Cache } from '@supergraph/cache';
import { outboxEvent, type OutboxRelay } from '@supergraph/outbox';
import type { Types } from 'mongoose';
import { ORDER_PLACED } from '../jobs';
import type { StockLedger } from '../stock/stock-ledger';
import type { OrderModel, OrderRecord } from './model';
import type { OrderOutcomeModel, OrderOutcomeRecord } from './outcome-model';

/** An order as read from MongoDB. */
export type StoredOrder = OrderRecord & { _id: Types.ObjectId };

/** An outcome to decide. */
export type Outcome = Pick<OrderOutcomeRecord, 'outcome' | 'failure'>;

/** Cache families of orders lists. */
export const orderFamilies = { orders: (userId: string) => `orders:${userId}` };

/** No stock is taken for an order past its deadline (before deadlines existed: its creation). */
export const deadlineOf = (order: StoredOrder): number => (order.deadlineAt ?? order.createdAt).getTime();

/** The movement ids of one line of an order: named by their cause, so each is applied at most once. */
export const movementIds = (orderId: string, productId: string) => ({
  take: `${orderId}:${productId}:take`,
  release: `${orderId}:${productId}:release`,
});

/**
 * How an order's outcome is decided and carried out, shared by checkout (and its retries) and
 * the reclaim task, which may run at the same time on the same order. The outcome is decided
 * once (./outcome-model); everything else here is repeatable: a crash at any step is finished
 * by the next one to look at the order.
 */
export interface OrderSettlement {
  /** The order's decided outcome, if any. */
  outcomeOf(orderId: string): Promise<OrderOutcomeRecord | null>;
  /** Decides `wanted` unless another outcome was decided first: answers the one that holds. */
  decide(orderId: string, wanted: Outcome): Promise<{ outcome: OrderOutcomeRecord; won: boolean }>;
  /** Whether every line's stock is taken (then the order can complete without taking more). */
  allTaken(order: StoredOrder): Promise<boolean>;
  /** Gives back what the order took, each line at most once; answers the units given back now. */
  release(order: StoredOrder): Promise<number>;
  /** Copies `placed` onto the order with its confirmation event, in one write; answers the order. */
  place(order: StoredOrder): Promise<StoredOrder>;
  /** Records the order's confirmation as pending and enqueues it (again: the job runs once). */
  publish(order: StoredOrder): Promise<void>;
  /**
   * Copies `failed` or `expired` onto the order. Only the reclaim task does, after giving back
   * its stock once more, when no attempt can still be taking any (docs/architecture.md).
   */
  close(order: StoredOrder, outcome: Outcome): Promise<void>;
  /** Drops the cached reads an outcome changes: the products' stock, the cart, the orders list. */
  invalidate(order: StoredOrder): Promise<void>;
}

function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}

export function createOrderSettlement(deps: {
  orders: OrderModel;
  outcomes: OrderOutcomeModel;
  ledger: StockLedger;
  relay: OutboxRelay;
  cache: Cache;
}): OrderSettlement {
  const { orders, outcomes, ledger, relay, cache } = deps;
  const outcomeOf = (orderId: string) => outcomes.findById(orderId).lean<OrderOutcomeRecord>().exec();

  return {
    outcomeOf,
    async decide(orderId, wanted) {
      try {
        const created = await outcomes.create({ _id: orderId, outcome: wanted.outcome, failure: wanted.failure });
        return { outcome: created.toObject(), won: true };
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        const decided = await outcomeOf(orderId);
        if (!decided) throw new Error(`order ${orderId}: outcome insert collided, yet none is stored`);
        return { outcome: decided, won: false };
      }
    },
    async allTaken(order) {
      const orderId = String(order._id);
      for (const line of order.lines) {
        if (!(await ledger.has(movementIds(orderId, line.productId).take))) return false;
      }
      return true;
    },
    async release(order) {
      const orderId = String(order._id);
      let units = 0;
      for (const line of order.lines) {
        const ids = movementIds(orderId, line.productId);
        // Only what this order really took goes back, and each line at most once.
        if (!(await ledger.has(ids.take))) continue;
        const result = await ledger.move({
          movementId: ids.release,
          productId: line.productId,
          delta: line.quantity,
          reason: 'release',
          orderId,
        });
        if (result === 'applied') units += line.quantity;
      }
      return units;
    },
    async place(order) {
      const event = outboxEvent(ORDER_PLACED, String(order._id));
      // Concurrent copies write the same thing (the event id is the order's), so FerretDB
      // applying two of them still leaves one event.
      await orders.updateOne(
        { _id: order._id, status: 'pending' },
        { $set: { status: 'placed', failure: null }, $push: { outbox: event } },
      );
      const stored = await orders.findById(order._id).lean<StoredOrder>();
      if (!stored) throw new Error(`order ${String(order._id)} vanished while being placed`);
      return stored;
    },
    async publish(order) {
      for (const event of order.outbox) await relay.publish(event, String(order._id));
    },
    async close(order, outcome) {
      await orders.updateOne(
        { _id: order._id, status: 'pending' },
        { $set: { status: outcome.outcome, failure: outcome.failure } },
      );
    },
    invalidate: (order) =>
      cache.invalidate([
        ...order.lines.map((line) => cache.entityKey('product', line.productId)),
        cache.entityKey('cart', order.userId),
        cache.listKey(orderFamilies.orders(order.userId)),
      ]),
  };
}
