import { createLogger } from '@supergraph/logger';
import { Types } from 'mongoose';
import type { TestStack } from '../../../test/support/stack';
import { loadCartConfig } from '../src/config';
import { createCartRelay } from '../src/jobs';
import { orderModel, type OrderLineRecord } from '../src/orders/model';
import { orderOutcomeModel } from '../src/orders/outcome-model';
import { createOrderReclaim } from '../src/orders/reclaim';
import { createOrderSettlement, movementIds, type StoredOrder } from '../src/orders/settlement';
import { productModel } from '../src/products/model';
import { stockMovementModel } from '../src/stock/model';
import { createStockLedger } from '../src/stock/stock-ledger';

/**
 * The cart's own order and stock code on a test stack's cart database, to build the states a
 * checkout leaves when it stops at any step (by running the first steps of the real thing) and
 * to read the ledger afterwards.
 */
export function cartDomain(stack: TestStack) {
  const { connection, queue, cache } = stack.subgraphs.cart;
  const logger = createLogger({ service: 'cart-test', level: 'silent' });
  const orders = orderModel(connection);
  const movements = stockMovementModel(connection);
  const ledger = createStockLedger(movements, productModel(connection));
  const relay = createCartRelay({ connection, orders, queue, logger }, loadCartConfig(stack.envs.cart));
  const settlement = createOrderSettlement({ orders, outcomes: orderOutcomeModel(connection), ledger, relay, cache });

  /** Writes a pending order as checkout does, with the given deadline. */
  const pendingOrder = async (fields: {
    userId?: string;
    idempotencyKey?: string;
    lines: Array<Pick<OrderLineRecord, 'productId' | 'quantity'>>;
    deadlineAt: Date;
  }): Promise<StoredOrder> => {
    const created = await orders.create({
      userId: fields.userId ?? new Types.ObjectId().toHexString(),
      email: 'buyer@example.com',
      idempotencyKey: fields.idempotencyKey ?? `fixture-${new Types.ObjectId().toHexString()}`,
      status: 'pending',
      deadlineAt: fields.deadlineAt,
      failure: null,
      lines: fields.lines.map((line) => ({ ...line, productName: 'Fixture', unitPriceCents: 100 })),
      totalCents: 100,
      currency: 'EUR',
      outbox: [],
    });
    return created.toObject() as StoredOrder;
  };

  /** Takes one line's stock for an order, as checkout does (no deadline: the test decides). */
  const take = (order: StoredOrder, line: number) => {
    const { productId, quantity } = order.lines[line]!;
    const orderId = String(order._id);
    return ledger.move({
      movementId: movementIds(orderId, productId).take,
      productId,
      delta: -quantity,
      reason: 'take',
      orderId,
    });
  };

  /** Gives one line's stock back, as the settlement does. */
  const release = (order: StoredOrder, line: number) => {
    const { productId, quantity } = order.lines[line]!;
    const orderId = String(order._id);
    return ledger.move({
      movementId: movementIds(orderId, productId).release,
      productId,
      delta: quantity,
      reason: 'release',
      orderId,
    });
  };

  return {
    orders,
    movements,
    ledger,
    settlement,
    pendingOrder,
    take,
    release,
    reclaim: (afterMs: number) =>
      createOrderReclaim({ orders, settlement, logger, settings: { ORDER_RECLAIM_AFTER_MS: afterMs } }),
    /** The stock of a product as its movement chain says (the truth; `Product.stock` copies it). */
    stockOf: async (productId: string) => (await ledger.current(productId))?.stock,
    /** How many movements of each kind an order has on one product. */
    async movementsOf(orderId: string, productId: string) {
      const ids = movementIds(orderId, productId);
      const [take, release] = await Promise.all([
        movements.countDocuments({ _id: ids.take }),
        movements.countDocuments({ _id: ids.release }),
      ]);
      return { take, release };
    },
    statusOf: async (orderId: Types.ObjectId | string) => (await orders.findById(orderId).lean())?.status,
  };
}

export type CartDomain = ReturnType<typeof cartDomain>;
