import { Types } from 'mongoose';
import { createLogger } from '@supergraph/logger';
import { createMongoConnection } from '@supergraph/mongo';
import { eventually } from '@supergraph/testing';
import { productModel } from '../../subgraphs/cart/src/products/model';
import type { LogLine } from '../support/app-process';
import { startOwnFerretDb, type OwnFerretDb, type StopSignal } from '../support/own-ferretdb';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { allReady, gatewaySees, linesFrom, onlyError, readyz, register } from './fault-helpers';
import { startFaultStack, type FaultStack } from './fault-stack';

/**
 * MongoDB goes away under the cart subgraph, whose API and worker run as real processes on a
 * FerretDB of this test's own (auth and posts keep theirs). Meanwhile cart's fields answer
 * SERVICE_UNAVAILABLE with a retry hint while the rest of the graph answers, cart logs the
 * outage at warn without flooding, the gateway sees cart not ready and opens its breaker. Once
 * FerretDB is back, on the same port, every process is ready again by itself, the breaker
 * closes and the worker delivers. Then, a FerretDB that stays away ends the processes (exit 1).
 */
let ferret: OwnFerretDb;
let sink: SmtpSink;
let stack: FaultStack;
let productId: string;
let user: { token: string; email: string };

const WARN = 40;
const ERROR = 50;
const RECOVERY_MS = 30_000;

beforeAll(async () => {
  [ferret, sink] = await Promise.all([startOwnFerretDb(), startSmtpSink()]);
  stack = await startFaultStack({ faulted: 'cart', env: { MONGO_URL: `${ferret.url}/cart_faults` }, smtpUrl: sink.url });
  const connection = await createMongoConnection(
    {
      MONGO_URL: `${ferret.url}/cart_faults`,
      DB_POOL_SIZE: 2,
      DB_MIN_POOL_SIZE: 0,
      DB_MAX_IDLE_TIME_MS: 0,
      DB_WAIT_QUEUE_TIMEOUT_MS: 2_000,
      DB_READ_PREFERENCE: 'primary',
    },
    createLogger({ service: 'test', level: 'silent' }),
  );
  try {
    const product = await productModel(connection).create({
      name: 'Lamp',
      description: 'A thing',
      priceCents: 1_000,
      currency: 'EUR',
      stock: 1_000,
      stockVersion: 0,
    });
    productId = String(product._id);
  } finally {
    await connection.close();
  }
  user = await register(stack, 'Outage');
}, 120_000);

beforeEach(() => stack.replaceGateway());
afterAll(async () => {
  await stack?.stop();
  await Promise.all([ferret?.dispose(), sink?.close()]);
});

/** A product id nobody asked for yet: its read cannot come from the cache, only from MongoDB. */
const unseenProduct = () => new Types.ObjectId().toHexString();
const PRODUCT_AND_ME = `query($id: ID!) { me { name } product(id: $id) { name } }`;

/** Checkout of one lamp; resolves once its confirmation email arrived, sent by the worker. */
async function orderAndMail(key: string): Promise<void> {
  const added = await stack.query(`mutation($p: ID!) { addToCart(productId: $p) { itemCount } }`, {
    token: user.token,
    variables: { p: productId },
  });
  expect(added.errors).toBeUndefined();
  const order = await stack.query<{ checkout: { id: string } }>(`mutation($k: String!) { checkout(idempotencyKey: $k) { id } }`, {
    token: user.token,
    variables: { k: key },
  });
  expect(order.errors).toBeUndefined();
  await sink.waitFor((mail) => mail.subject.includes(order.data!.checkout.id), { timeoutMs: 20_000 });
}

async function expectBackByItself(): Promise<void> {
  await allReady([stack.api, stack.worker], RECOVERY_MS);
  expect([stack.api.alive(), stack.worker.alive()]).toEqual([true, true]); // nobody restarted them
}

/** What the graph answers, logs and reports while cart's FerretDB is stopped. */
async function duringTheOutage(apiLogStart: number): Promise<void> {
  // Sent together, so that all reach cart before its breaker can open.
  const [during, ...failures] = await Promise.all([
    stack.query(PRODUCT_AND_ME, { token: user.token, variables: { id: unseenProduct() } }),
    ...Array.from({ length: 6 }, () =>
      stack.query(`query($id: ID!) { product(id: $id) { name } }`, { variables: { id: unseenProduct() } }),
    ),
  ]);
  expect(during!.status).toBe(200);
  expect(during!.data).toEqual({ me: { name: 'Outage' }, product: null });
  expect(onlyError(during!)).toMatchObject({
    path: ['product'],
    extensions: { code: 'SERVICE_UNAVAILABLE', serviceName: 'cart', retryAfterSeconds: expect.any(Number) },
  });
  expect(JSON.stringify(during!.errors)).not.toMatch(/Mongo|ECONNREFUSED|127\.0\.0\.1|stack/i);
  for (const failure of failures) expect(onlyError(failure).extensions?.code).toBe('SERVICE_UNAVAILABLE');

  // Answers that are nothing but cart's own errors open its breaker: then cart fails fast.
  await gatewaySees(stack, 'cart', (state) => state.breaker === 'open');
  expect(onlyError(await stack.query(`{ products { name } }`)).extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE' });

  // Both processes say they are not ready, and why; the gateway sees it.
  for (const app of [stack.api, stack.worker]) {
    await eventually(async () => expect((await readyz(app.origin)).body.checks?.mongo?.ok).toBe(false), { timeoutMs: 10_000 });
  }
  await gatewaySees(stack, 'cart', (state) => !state.ready && (state.failing ?? []).includes('mongo'));

  // The outage is news once per interval (which may have begun in an earlier test) at warn, never
  // an ERROR with a stack.
  const outageLine = (line: LogLine) => line.level === WARN && /SERVICE_UNAVAILABLE/.test(line.msg ?? '');
  expect(stack.api.logs.some(outageLine)).toBe(true);
  expect(linesFrom(stack.api, apiLogStart, WARN).filter(outageLine).length).toBeLessThan(failures.length + 1); // 7 answers
  expect(linesFrom(stack.api, apiLogStart, ERROR)).toEqual([]);
}

it.each<StopSignal>(['SIGTERM', 'SIGKILL'])(
  'with FerretDB stopped (%s): cart answers SERVICE_UNAVAILABLE, the rest answers; everything recovers by itself',
  async (signal) => {
    const before = await stack.query<{ me: { name: string }; product: { name: string } }>(PRODUCT_AND_ME, {
      token: user.token,
      variables: { id: productId },
    });
    expect(before.data).toEqual({ me: { name: 'Outage' }, product: { name: 'Lamp' } });
    const apiLogStart = stack.api.logs.length;

    await ferret.stop(signal);
    try {
      await duringTheOutage(apiLogStart);
    } finally {
      await ferret.start(); // same port, same data; whatever failed above, the next test starts with it up
    }
    await expectBackByItself();
    // The breaker lets a trial call through once BREAKER_RESET_MS is over, and closes on its success.
    await eventually(
      async () => {
        const after = await stack.query(PRODUCT_AND_ME, { token: user.token, variables: { id: productId } });
        expect(after.errors).toBeUndefined();
      },
      { timeoutMs: 15_000, intervalMs: 250 },
    );
    await gatewaySees(stack, 'cart', (state) => state.ready && state.breaker === 'closed');
    await orderAndMail(`outage-${signal}-${Date.now()}`);
  },
  60_000,
);

it('ends a process whose MongoDB stays away past DEPENDENCY_EXIT_AFTER_MS, with exit code 1', async () => {
  const short = { DEPENDENCY_EXIT_AFTER_MS: '1500' };
  const [api, worker] = await Promise.all([stack.startProcess('api', short), stack.startProcess('worker', short)]);
  await ferret.stop('SIGKILL');
  try {
    expect(await Promise.all([api.exited, worker.exited])).toEqual([1, 1]);
    for (const app of [api, worker]) {
      expect(app.logs.some((line) => line.level === 60 && /dependency unreachable for too long/.test(line.msg ?? ''))).toBe(true);
    }
  } finally {
    await ferret.start();
  }
  // The processes with the default limit rode the same outage out.
  await expectBackByItself();
}, 60_000);
