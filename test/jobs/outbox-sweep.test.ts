import { createLogger } from '@supergraph/logger';
import { watchCommands } from '@supergraph/mongo';
import { outboxEvent, type OutboxRelay } from '@supergraph/outbox';
import type { BuiltWorker } from '@supergraph/subgraph';
import type { CommandStartedEvent } from 'mongodb';
import { Types, type Connection } from 'mongoose';
import { loadCartConfig } from '../../subgraphs/cart/src/config';
import { CART_EMAIL_QUEUE, createCartRelay, ORDER_PLACED } from '../../subgraphs/cart/src/jobs';
import { orderModel } from '../../subgraphs/cart/src/orders/model';
import { addProduct } from '../support/products';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { startTestStack, type TestStack } from '../support/stack';
import { signUp } from '../support/users';
import { inspectQueue, startWorker, until } from './outbox-helpers';

/**
 * The relay's sweep reads what is due, not the history; the scan finds an event that never
 * became pending; a job that failed for good stays failed. The relay under test runs on the cart
 * API's own connection, whose commands are recorded; the worker, when one runs, has its own.
 */
let stack: TestStack;
let sink: SmtpSink;
let relay: OutboxRelay;
let connection: Connection;
let cartQueue: ReturnType<typeof inspectQueue>;

beforeAll(async () => {
  sink = await startSmtpSink();
  // Due soon after publishing; once looked at, not due again during the test.
  const outbox = { OUTBOX_GRACE_MS: '100', OUTBOX_BACKOFF_MS: '600000', OUTBOX_BACKOFF_MAX_MS: '600000' };
  stack = await startTestStack(outbox);
  connection = stack.subgraphs.cart.connection;
  const logger = createLogger({ service: 'cart-relay', level: 'silent' });
  relay = createCartRelay(
    { connection, orders: orderModel(connection), queue: stack.subgraphs.cart.queue, logger },
    loadCartConfig(stack.envs.cart),
  );
  cartQueue = inspectQueue(stack, 'cart', CART_EMAIL_QUEUE);
}, 60_000);
afterAll(async () => {
  await cartQueue.close();
  await stack.stop();
  await sink.close();
});

/** The commands `connection` sends while `run` runs: name and collection, with `find` filters. */
async function recorded(run: () => Promise<unknown>) {
  const names = watchCommands(connection);
  const targets: Array<{ command: string; collection: string; filter?: Record<string, unknown> }> = [];
  const listener = (event: CommandStartedEvent) => {
    if (!names.commands.includes(event.commandName)) return;
    const filter = event.command.filter as Record<string, unknown> | undefined;
    targets.push({
      command: event.commandName,
      collection: String(event.command[event.commandName]),
      ...(filter ? { filter } : {}),
    });
  };
  connection.getClient().on('commandStarted', listener);
  try {
    const result = await run();
    return { result, commands: [...names.commands], targets };
  } finally {
    connection.getClient().off('commandStarted', listener);
    names.stop();
  }
}

async function placeOrders(count: number): Promise<Array<{ orderId: string; email: string }>> {
  const product = await addProduct(stack, { stock: count });
  const placed = [];
  for (let i = 0; i < count; i += 1) {
    const user = await signUp(stack, 'Sweep');
    await stack.query(`mutation($p: ID!) { addToCart(productId: $p) { itemCount } }`, {
      token: user.token,
      variables: { p: product },
    });
    const order = await stack.query<{ checkout: { id: string } }>(
      `mutation($k: String!) { checkout(idempotencyKey: $k) { id } }`,
      {
        token: user.token,
        variables: { k: `sweep-${user.userId}` },
      },
    );
    placed.push({ orderId: order.data!.checkout.id, email: user.email });
  }
  return placed;
}

/** Runs the cart worker until every event it can finish is done and its queue is drained. */
async function runWorkerUntilDone(): Promise<void> {
  const worker: BuiltWorker = await startWorker(stack, 'cart', sink.url);
  try {
    await until('the cart events are done and the queue is drained', async () => {
      return (await relay.backlog()).pending === 0 && (await cartQueue.unfinished()) === 0;
    });
  } finally {
    await worker.close();
  }
}

const mailsFor = (orderId: string) => sink.messages.filter((mail) => mail.subject.includes(orderId));

it('a sweep reads only what is due: one query when nothing is, whatever the history', async () => {
  const history = await placeOrders(8);
  await runWorkerUntilDone();
  for (const { orderId } of history) expect(mailsFor(orderId)).toHaveLength(1);

  const idle = await recorded(() => relay.sweep());
  expect(idle.result).toEqual({ due: 0, enqueued: 0, done: 0, queued: 0, failed: 0 });
  expect(idle.targets.map(({ command, collection }) => `${command} ${collection}`)).toEqual(['find outbox_pending']);

  // Three orders while no worker runs: their jobs wait in Redis, and their events fall due.
  const waiting = await placeOrders(3);
  const pending = connection.models.OutboxPending!;
  await until('three events are due', async () => (await pending.countDocuments({ dueAt: { $lte: new Date() } })) === 3);
  const busy = await recorded(() => relay.sweep());
  // Still queued: looked at later, not enqueued again; no order and no history was read.
  expect(busy.result).toEqual({ due: 3, enqueued: 0, done: 0, queued: 3, failed: 0 });
  expect(busy.targets.map(({ command, collection }) => `${command} ${collection}`)).toEqual([
    'find outbox_pending',
    'find deliveries',
    'update outbox_pending',
    'update outbox_pending',
    'update outbox_pending',
  ]);
  expect(await cartQueue.unfinished()).toBe(3);

  await runWorkerUntilDone();
  for (const { orderId } of waiting) expect(mailsFor(orderId)).toHaveLength(1);
  expect(await relay.sweep()).toMatchObject({ due: 0, enqueued: 0 });
}, 90_000);

it('the scan finds an event whose API process died before publishing it, and reads only new events next time', async () => {
  const user = await signUp(stack, 'Orphan');
  const productId = await addProduct(stack);
  const orderId = new Types.ObjectId();
  const event = outboxEvent(ORDER_PLACED, String(orderId));
  // The write happened (the event is in the order), the publish never did.
  await orderModel(connection).create({
    _id: orderId,
    userId: user.userId,
    email: user.email,
    idempotencyKey: `orphan-${orderId}`,
    status: 'placed',
    failure: null,
    lines: [{ productId, productName: 'Orphan thing', quantity: 1, unitPriceCents: 500 }],
    totalCents: 500,
    currency: 'EUR',
    outbox: [event],
  });

  // Scans leave it alone while it is younger than the grace (its API process may still publish it).
  await until('a scan finds the orphan', async () => (await relay.scan()).tracked === 1);
  expect(await relay.backlog()).toEqual({ pending: 1, failed: 0 });
  const second = await recorded(() => relay.scan());
  expect(second.result).toEqual({ read: 0, tracked: 0 });
  // It starts where the last scan stopped, past every event already scanned, not a day back.
  const finds = second.targets.filter((target) => target.collection === 'orders');
  expect(finds).toHaveLength(1);
  const from = (finds[0]!.filter?.['outbox.at'] as { $gt?: Date } | undefined)?.$gt;
  expect(from!.getTime()).toBeGreaterThanOrEqual(event.at.getTime());

  await runWorkerUntilDone();
  expect(mailsFor(String(orderId))).toHaveLength(1);
  expect(await relay.scan()).toEqual({ read: 0, tracked: 0 });
}, 60_000);

it('a job that failed for good is kept as failed, and no sweep runs it again', async () => {
  const productId = await addProduct(stack);
  const orderId = new Types.ObjectId();
  const event = outboxEvent(ORDER_PLACED, String(orderId));
  // An order with no contact email: its confirmation fails with UnrecoverableError.
  await orderModel(connection).create({
    _id: orderId,
    userId: new Types.ObjectId().toString(),
    email: '',
    idempotencyKey: `no-mail-${orderId}`,
    status: 'placed',
    failure: null,
    lines: [{ productId, productName: 'Unmailable', quantity: 1, unitPriceCents: 100 }],
    totalCents: 100,
    currency: 'EUR',
    outbox: [event],
  });
  expect(await relay.publish(event, String(orderId))).toBe(true);
  const worker = await startWorker(stack, 'cart', sink.url);
  try {
    await until('the job failed for good', async () => (await cartQueue.queue.getJobState(event._id)) === 'failed');
    await until('the event is kept as failed', async () => (await relay.backlog()).failed === 1);
  } finally {
    // Stopped, so that its own sweeps do not race the ones below.
    await worker.close();
  }
  expect(await relay.sweep()).toMatchObject({ due: 0, enqueued: 0 });

  // Even if that bookkeeping was lost, the sweep reads the job's state and does not run it again.
  await connection.models.OutboxPending!.updateOne({ _id: event._id }, { $set: { dueAt: new Date(0) } });
  expect(await relay.sweep()).toEqual({ due: 1, enqueued: 0, done: 0, queued: 0, failed: 1 });
  expect(await relay.backlog()).toEqual({ pending: 0, failed: 1 });
  const job = await cartQueue.queue.getJob(event._id);
  expect(job?.attemptsMade).toBe(1);
  expect(await cartQueue.queue.getJobState(event._id)).toBe('failed');
}, 60_000);
