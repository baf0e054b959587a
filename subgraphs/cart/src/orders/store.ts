import type { Cache } from '@supergraph/cache';
import DataLoader from 'dataloader';
import { isValidObjectId, type Types } from 'mongoose';
import { orderFamilies } from './settlement';
import { toOrder, type Order, type OrderModel, type OrderRecord } from './model';

/** A user's placed orders, newest first, cached until their next checkout. */
export function createOrderStore(orders: OrderModel, cache: Cache) {
  return {
    recent: (userId: string, first: number): Promise<Order[]> =>
      cache.list([orderFamilies.orders(userId)], String(first), async () => {
        const found = (await orders
          .find({ userId, status: 'placed' })
          .sort({ createdAt: -1, _id: -1 })
          .limit(first)
          .lean()) as Array<OrderRecord & { _id: Types.ObjectId }>;
        return found.map(toOrder);
      }),
    /** A per-request loader of placed orders by id (null for unknown, malformed or unplaced). */
    loader: () =>
      new DataLoader<string, Order | null>(async (ids) => {
        const valid = ids.filter((id) => isValidObjectId(id));
        const found = (await orders
          .find({ _id: { $in: valid }, status: 'placed' })
          .batchSize(valid.length + 1)
          .lean()) as Array<OrderRecord & { _id: Types.ObjectId }>;
        const byId = new Map(found.map((order) => [String(order._id), toOrder(order)]));
        return ids.map((id) => byId.get(id) ?? null);
      }),
  };
}

export type OrderStore = ReturnType<typeof createOrderStore>;
