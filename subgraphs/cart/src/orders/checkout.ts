import type { Cache } from '@supergraph/cache';
import type { Identity } from '@supergraph/identity';
import { errors } from '@supergraph/subgraph';
import type { Types } from 'mongoose';
import type { CartModel } from '../carts/model';
import { signedIn, type CartService } from '../carts/service';
import type { ProductModel } from '../products/model';
import type { StockLedger } from '../stock/stock-ledger';
import { outboxEvent, type OutboxRelay } from '@supergraph/outbox';
import { ORDER_PLACED } from '../jobs';
import { toOrder, type Order, type OrderModel, type OrderRecord } from './model';

type StoredOrder = OrderRecord & { _id: Types.ObjectId };

const KEY = /^[A-Za-z0-9._:-]{8,128}$/;

/** Cache families of orders and products lists. */
export const orderFamilies = { orders: (userId: string) => `orders:${userId}` };

export interface CheckoutDeps {
  relay: OutboxRelay;
  orders: OrderModel;
  carts: CartModel;
  products: ProductModel;
  ledger: StockLedger;
  cartService: CartService;
  cache: Cache;
}

const insufficient = (productName: string, productId: string) =>
  errors.conflict(`Not enough stock of "${productName}" for this order; nothing was bought and the cart is unchanged.`, {
    reason: 'INSUFFICIENT_STOCK',
    productId,
  });

/**
 * Checkout without multi-document transactions: the order is written first (`pending`, unique
 * per user and key), then each line's stock is taken by an idempotent movement, then the order
 * is marked `placed`. A retry with the same key finds the order and finishes or repeats its
 * outcome; a line that cannot be taken gives back every unit already taken.
 */
export function createCheckout(deps: CheckoutDeps) {
  const { orders, carts, products, ledger, cartService, cache, relay } = deps;

  const setStatus = async (order: StoredOrder, status: 'placed' | 'failed', failure: OrderRecord['failure']) => {
    // Placing the order records its confirmation in the same single-document write.
    const placed = status === 'placed' ? { $push: { outbox: outboxEvent(ORDER_PLACED, String(order._id)) } } : {};
    await orders.updateOne({ _id: order._id, status: 'pending' }, { $set: { status, failure }, ...placed });
    return (await orders.findById(order._id).lean()) as StoredOrder;
  };

  const releaseAll = async (order: StoredOrder) => {
    for (const line of order.lines) {
      const orderId = String(order._id);
      // Only what this order really took goes back, and each line at most once.
      if (!(await ledger.has(`${orderId}:${line.productId}:take`))) continue;
      await ledger.move({
        movementId: `${orderId}:${line.productId}:release`,
        productId: line.productId,
        delta: line.quantity,
        reason: 'release',
        orderId,
      });
    }
  };

  const invalidate = (order: StoredOrder) =>
    cache.invalidate([
      ...order.lines.map((line) => cache.entityKey('product', line.productId)),
      cache.entityKey('cart', order.userId),
      cache.listKey(orderFamilies.orders(order.userId)),
    ]);

  const settle = async (order: StoredOrder): Promise<Order> => {
    if (order.status === 'placed') {
      // A retry also re-publishes: if the first attempt could not enqueue, this one may
      // (the job id is the event id, so it still runs once).
      for (const event of order.outbox) await relay.publish(event, String(order._id));
      return toOrder(order);
    }
    if (order.status === 'failed') {
      const line = order.lines.find((item) => item.productId === order.failure?.productId) ?? order.lines[0];
      throw insufficient(line?.productName ?? 'a product', order.failure?.productId ?? '');
    }
    const orderId = String(order._id);
    for (const line of order.lines) {
      const result = await ledger.move({
        movementId: `${orderId}:${line.productId}:take`,
        productId: line.productId,
        delta: -line.quantity,
        reason: 'take',
        orderId,
      });
      if (result === 'insufficient' || result === 'unknown-product') {
        const final = await setStatus(order, 'failed', { reason: 'INSUFFICIENT_STOCK', productId: line.productId });
        if (final.status === 'failed') await releaseAll(final);
        await invalidate(order);
        return settle(final);
      }
    }
    const final = await setStatus(order, 'placed', null);
    if (final.status !== 'placed') {
      // A concurrent retry of this checkout failed it first: give back what this one took.
      await releaseAll(final);
      return settle(final);
    }
    await cartService.subtract(order.userId, order.lines);
    await invalidate(order);
    for (const event of final.outbox) await relay.publish(event, orderId);
    return toOrder(final);
  };

  return async function checkout(identity: Identity, idempotencyKey: string): Promise<Order> {
    const userId = signedIn(identity);
    if (!KEY.test(idempotencyKey)) {
      throw errors.badInput('idempotencyKey must be 8 to 128 letters, digits or . _ : -', { field: 'idempotencyKey' });
    }
    const existing = (await orders.findOne({ userId, idempotencyKey }).lean()) as StoredOrder | null;
    if (existing) return settle(existing);

    const cart = await carts.findById(userId).lean();
    const items = cart?.items ?? [];
    if (items.length === 0) throw errors.badInput('The cart is empty.', { reason: 'EMPTY_CART' });
    // Prices come from MongoDB, never the cache: the order records what is charged.
    const found = await products.find({ _id: { $in: items.map((item) => item.productId) } }).lean();
    const byId = new Map(found.map((product) => [String(product._id), product]));
    const lines = items.map((item) => {
      const product = byId.get(item.productId);
      if (!product) throw errors.notFound('A product in the cart no longer exists.', { productId: item.productId });
      return {
        productId: item.productId,
        productName: product.name,
        quantity: item.quantity,
        unitPriceCents: product.priceCents,
      };
    });
    const currency = byId.get(items[0]!.productId)!.currency;
    const totalCents = lines.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0);
    let order: StoredOrder;
    try {
      order = (
        await orders.create({
          userId,
          email: identity.email ?? '',
          idempotencyKey,
          status: 'pending',
          failure: null,
          lines,
          totalCents,
          currency,
          outbox: [],
        })
      ).toObject() as StoredOrder;
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error;
      // The same key raced in: whichever order was written is the one.
      return settle((await orders.findOne({ userId, idempotencyKey }).lean()) as StoredOrder);
    }
    return settle(order);
  };
}
