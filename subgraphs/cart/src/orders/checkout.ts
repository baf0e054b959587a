import type { Identity } from '@supergraph/identity';
import { errors, type Deadline } from '@supergraph/subgraph';
import type { CartModel } from '../carts/model';
import { signedIn, type CartService } from '../carts/service';
import type { ProductModel } from '../products/model';
import type { StockLedger } from '../stock/stock-ledger';
import { toOrder, type Order, type OrderModel } from './model';
import type { OrderOutcomeRecord } from './outcome-model';
import { deadlineOf, movementIds, type OrderSettlement, type StoredOrder } from './settlement';

const KEY = /^[A-Za-z0-9._:-]{8,128}$/;

export interface CheckoutDeps {
  orders: OrderModel;
  carts: CartModel;
  products: ProductModel;
  ledger: StockLedger;
  cartService: CartService;
  settlement: OrderSettlement;
}

/** Places the signed-in user's cart as an order, once per idempotency key. */
export type Checkout = (identity: Identity, idempotencyKey: string, deadline: Deadline) => Promise<Order>;

const insufficient = (productName: string, productId: string) =>
  errors.conflict(`Not enough stock of "${productName}" for this order; nothing was bought and the cart is unchanged.`, {
    reason: 'INSUFFICIENT_STOCK',
    productId,
  });

const expired = () =>
  errors.conflict(
    'This checkout ran out of time before it completed: nothing was bought and the cart is unchanged. ' +
      'Check out again with a new idempotencyKey.',
    { reason: 'CHECKOUT_EXPIRED' },
  );

/**
 * Checkout without multi-document transactions: the order is written first (`pending`, unique
 * per user and key), then each line's stock is taken by an idempotent movement, then the outcome
 * is decided once (./settlement). No order is written and no stock taken past the request's
 * deadline or the order's: a checkout that runs out of time completes if all its stock is
 * already taken, and otherwise expires and gives back what it took. A retry with the same key
 * finds the order and finishes or repeats its outcome; the reclaim task (./reclaim) finishes
 * orders whose checkout stopped midway.
 */
export function createCheckout(deps: CheckoutDeps): Checkout {
  const { orders, carts, products, ledger, cartService, settlement } = deps;

  /** Takes each line's stock while the request and the order have time, then decides. */
  const take = async (order: StoredOrder, deadline: Deadline) => {
    const orderId = String(order._id);
    const window = { expired: () => deadline.expired() || Date.now() >= deadlineOf(order) };
    for (const line of order.lines) {
      const result = await ledger.move(
        {
          movementId: movementIds(orderId, line.productId).take,
          productId: line.productId,
          delta: -line.quantity,
          reason: 'take',
          orderId,
        },
        { deadline: window },
      );
      if (result === 'deadline') {
        // Out of time: complete only if nothing more is needed (a concurrent attempt took it).
        const complete = await settlement.allTaken(order);
        return settlement.decide(orderId, { outcome: complete ? 'placed' : 'expired', failure: null });
      }
      if (result === 'insufficient' || result === 'unknown-product') {
        return settlement.decide(orderId, {
          outcome: 'failed',
          failure: { reason: 'INSUFFICIENT_STOCK', productId: line.productId },
        });
      }
    }
    return settlement.decide(orderId, { outcome: 'placed', failure: null });
  };

  /** Carries out a decided outcome and answers it; `won`: this attempt decided it. */
  const follow = async (order: StoredOrder, outcome: OrderOutcomeRecord, won: boolean, deadline: Deadline) => {
    if (outcome.outcome === 'placed') {
      const placed = await settlement.place(order);
      // The attempt that decided takes the order's lines out of the cart: once.
      if (won) await cartService.subtract(order.userId, order.lines);
      await settlement.invalidate(order);
      await settlement.publish(placed);
      return toOrder(placed);
    }
    // Failed or expired: give back at once what was taken. The order keeps `pending` until the
    // reclaim task gives back again whatever a concurrent attempt took meanwhile, and closes it.
    await settlement.release(order);
    await settlement.invalidate(order);
    if (outcome.outcome === 'failed') {
      const line = order.lines.find((item) => item.productId === outcome.failure?.productId) ?? order.lines[0];
      throw insufficient(line?.productName ?? 'a product', outcome.failure?.productId ?? '');
    }
    if (deadline.expired()) {
      throw errors.deadlineExceeded(
        'The request ran out of time: nothing was bought and the cart is unchanged. Check out again with a new idempotencyKey.',
        { reason: 'CHECKOUT_EXPIRED' },
      );
    }
    throw expired();
  };

  const settle = async (order: StoredOrder, deadline: Deadline): Promise<Order> => {
    if (order.status === 'placed') {
      // A retry also re-publishes: if the first attempt could not enqueue, this one may
      // (the job id is the event id, so it still runs once).
      await settlement.publish(order);
      return toOrder(order);
    }
    if (order.status === 'failed') {
      const line = order.lines.find((item) => item.productId === order.failure?.productId) ?? order.lines[0];
      throw insufficient(line?.productName ?? 'a product', order.failure?.productId ?? '');
    }
    if (order.status === 'expired') throw expired();
    const decided = await settlement.outcomeOf(String(order._id));
    const { outcome, won } = decided ? { outcome: decided, won: false } : await take(order, deadline);
    return follow(order, outcome, won, deadline);
  };

  return async function checkout(identity, idempotencyKey, deadline) {
    const userId = signedIn(identity);
    if (!KEY.test(idempotencyKey)) {
      throw errors.badInput('idempotencyKey must be 8 to 128 letters, digits or . _ : -', { field: 'idempotencyKey' });
    }
    const existing = await orders.findOne({ userId, idempotencyKey }).lean<StoredOrder>();
    if (existing) return settle(existing, deadline);

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
    // Nobody waits for an order written now: write nothing (the same key works again).
    deadline.check('nothing was bought and the cart is unchanged; the same idempotencyKey can be used again.');
    let order: StoredOrder;
    try {
      order = (
        await orders.create({
          userId,
          email: identity.email ?? '',
          idempotencyKey,
          status: 'pending',
          deadlineAt: deadline.at,
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
      return settle((await orders.findOne({ userId, idempotencyKey }).lean<StoredOrder>())!, deadline);
    }
    return settle(order, deadline);
  };
}
