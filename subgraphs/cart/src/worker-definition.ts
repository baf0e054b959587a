import { createDeliveryLog, createMailer } from '@supergraph/mail';
import type { WorkerDefinition } from '@supergraph/subgraph';
import type { CartWorkerConfig } from './config';
import { CART_EMAIL_QUEUE, createCartRelay, orderConfirmationProcessor } from './jobs';
import { orderModel } from './orders/model';
import { orderOutcomeModel } from './orders/outcome-model';
import { createOrderReclaim } from './orders/reclaim';
import { createOrderSettlement } from './orders/settlement';
import { productModel } from './products/model';
import { stockMovementModel } from './stock/model';
import { createStockLedger } from './stock/stock-ledger';

/** The cart worker: order confirmations, the relay of the cart's outbox, and the reclaim of abandoned checkouts. */
export function cartWorker(config: CartWorkerConfig): WorkerDefinition {
  return {
    name: 'cart',
    setup({ connection, queue, cache, logger }) {
      const orders = orderModel(connection);
      const mailer = createMailer(config);
      const relay = createCartRelay({ connection, orders, queue, logger }, config);
      const ledger = createStockLedger(stockMovementModel(connection), productModel(connection));
      const settlement = createOrderSettlement({ orders, outcomes: orderOutcomeModel(connection), ledger, relay, cache });
      const reclaim = createOrderReclaim({ orders, settlement, logger, settings: config });
      return {
        processors: {
          [CART_EMAIL_QUEUE]: relay.processor(
            orderConfirmationProcessor({ orders, mailer, deliveries: createDeliveryLog(connection) }),
          ),
        },
        relay,
        tasks: [{ name: 'order-reclaim', everyMs: config.ORDER_RECLAIM_EVERY_MS, run: () => reclaim.run() }],
        close: () => mailer.close(),
      };
    },
  };
}
