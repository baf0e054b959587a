import type { Cache } from '@supergraph/cache';
import type { Types } from 'mongoose';
import { orderFamilies } from './checkout';
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
    byId: async (id: string): Promise<Order | null> => {
      const found = (await orders.findOne({ _id: id, status: 'placed' }).lean()) as (OrderRecord & { _id: Types.ObjectId }) | null;
      return found ? toOrder(found) : null;
    },
  };
}

export type OrderStore = ReturnType<typeof createOrderStore>;
