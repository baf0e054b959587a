import { createDeliveryLog, createMailer } from '@supergraph/mail';
import type { WorkerDefinition } from '@supergraph/subgraph';
import type { CartWorkerConfig } from './config';
import { CART_EMAIL_QUEUE, createCartRelay, orderConfirmationProcessor } from './jobs';
import { orderModel } from './orders/model';

/** The cart worker: order confirmations, and the relay of the cart's outbox. */
export function cartWorker(config: CartWorkerConfig): WorkerDefinition {
  return {
    name: 'cart',
    setup({ connection, queue, logger }) {
      const orders = orderModel(connection);
      const mailer = createMailer(config);
      const relay = createCartRelay({ connection, orders, queue, logger }, config);
      return {
        processors: {
          [CART_EMAIL_QUEUE]: relay.processor(
            orderConfirmationProcessor({ orders, mailer, deliveries: createDeliveryLog(connection) }),
          ),
        },
        relay,
        close: () => mailer.close(),
      };
    },
  };
}
