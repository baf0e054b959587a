import { createDeliveryLog, type DeliveryLog, type Mailer } from '@supergraph/mail';
import { createOutboxRelay, type OutboxJobData, type OutboxRelay, type OutboxSettings } from '@supergraph/outbox';
import { UnrecoverableError, type Job, type JobQueue } from '@supergraph/queue';
import type { Logger } from '@supergraph/logger';
import type { Connection } from 'mongoose';
import type { OrderModel } from './orders/model';

/** The cart subgraph's queue and event types. */
export const CART_EMAIL_QUEUE = 'cart-email';
export const ORDER_PLACED = 'order-placed';

/** Routes the cart's outbox events to its queue; a confirmation is done once the delivery log has it. */
export function createCartRelay(
  deps: { connection: Connection; orders: OrderModel; queue: (name: string) => JobQueue; logger: Logger },
  settings: OutboxSettings,
): OutboxRelay {
  const route = {
    queue: deps.queue(CART_EMAIL_QUEUE),
    jobName: 'order-confirmation',
    effects: createDeliveryLog(deps.connection),
  };
  return createOutboxRelay({
    connection: deps.connection,
    logger: deps.logger,
    settings,
    sources: [{ model: deps.orders, routes: { [ORDER_PLACED]: route } }],
  });
}

const money = (cents: number, currency: string) => `${(cents / 100).toFixed(2)} ${currency}`;

/** Sends the order confirmation, once per order whatever happens to the job. */
export function orderConfirmationProcessor(deps: { orders: OrderModel; mailer: Mailer; deliveries: DeliveryLog }) {
  return async (job: Job<OutboxJobData>) => {
    const { eventId, entityId } = job.data;
    const order = await deps.orders.findById(entityId).lean();
    if (!order || order.status !== 'placed') throw new UnrecoverableError(`order ${entityId} is not placed`);
    if (!order.email) throw new UnrecoverableError(`order ${entityId} has no contact email`);
    const lines = order.lines.map(
      (line) => `  ${line.quantity} x ${line.productName}  ${money(line.unitPriceCents * line.quantity, order.currency)}`,
    );
    const sent = await deps.deliveries.once(eventId, () =>
      deps.mailer.send({
        to: order.email,
        subject: `Your order ${entityId} is confirmed`,
        messageId: `<${eventId}@supergraph>`,
        text: [
          `Thank you for your order ${entityId}.`,
          '',
          ...lines,
          '',
          `Total: ${money(order.totalCents, order.currency)}`,
        ].join('\n'),
      }),
    );
    return { sent };
  };
}
