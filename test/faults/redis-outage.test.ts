import { eventually } from '@supergraph/testing';
import type { LogLine } from '../support/app-process';
import type { StopSignal } from '../support/own-ferretdb';
import { startOwnRedis, type OwnRedis } from '../support/own-redis';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { allReady, gatewaySees, linesFrom, onlyError, readyz, register } from './fault-helpers';
import { startFaultStack, type FaultStack } from './fault-stack';

/**
 * Redis goes away under the auth subgraph, whose API and worker run as real processes on a Redis
 * of this test's own (posts and cart keep theirs). Logins, which need Redis (sessions, throttles),
 * answer SERVICE_UNAVAILABLE with a retry hint; reads that fail open (the cache) still answer, and
 * so does the rest of the graph. Once Redis is back on the same port, every client of both
 * processes reconnects by itself (the durable one, the cache's, the queue producer's and BullMQ's
 * two in the worker): both are ready again, logins work, the worker delivers.
 */
let redis: OwnRedis;
let sink: SmtpSink;
let stack: FaultStack;
let user: { token: string; email: string };

const RECOVERY_MS = 30_000;
const LOGIN = `mutation($input: LoginInput!) { login(input: $input) { accessToken } }`;

beforeAll(async () => {
  [redis, sink] = await Promise.all([startOwnRedis(), startSmtpSink()]);
  stack = await startFaultStack({ faulted: 'auth', env: { REDIS_URL: redis.url }, smtpUrl: sink.url });
  user = await register(stack, 'Keeper');
  // The worker works before the outage: the verification email arrives.
  await sink.waitFor((mail) => mail.to.includes(user.email), { timeoutMs: 20_000 });
}, 120_000);
beforeEach(() => stack.replaceGateway());
afterAll(async () => {
  await stack?.stop();
  await Promise.all([redis?.dispose(), sink?.close()]);
});

const login = () => stack.query(LOGIN, { variables: { input: { email: user.email, password: 'correct horse 42' } } });

/** Labels of the Redis clients that logged an error since `from` and never `redis ready again` after it. */
function stillDisconnected(lines: readonly LogLine[]): string[] {
  const down = new Set<string>();
  for (const line of lines) {
    const label = typeof line.label === 'string' ? line.label : undefined;
    if (!label) continue;
    if (line.msg === 'redis error') down.add(label);
    if (line.msg === 'redis ready again') down.delete(label);
  }
  return [...down];
}

async function duringTheOutage(): Promise<void> {
  // Sent together, so that all reach auth before its breaker can open.
  const [first, ...failures] = await Promise.all(Array.from({ length: 6 }, login));
  expect(first!.status).toBe(200);
  expect(onlyError(first!)).toMatchObject({
    path: ['login'],
    extensions: { code: 'SERVICE_UNAVAILABLE', serviceName: 'auth', retryAfterSeconds: expect.any(Number) },
  });
  for (const failure of failures) expect(onlyError(failure).extensions?.code).toBe('SERVICE_UNAVAILABLE');

  // Answers that are nothing but auth's own errors open its breaker: auth's part then fails
  // fast, and the rest of the graph answers.
  await gatewaySees(stack, 'auth', (state) => state.breaker === 'open');
  const partial = await stack.query(`{ me { name } feed(first: 1) { title } }`, { token: user.token });
  expect(partial.data).toEqual({ me: null, feed: expect.any(Array) });
  expect(onlyError(partial).extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'auth' });

  // Both processes say Redis is what they miss, and the gateway sees auth not ready.
  for (const app of [stack.api, stack.worker]) {
    await eventually(async () => expect((await readyz(app.origin)).body.checks?.redis?.ok).toBe(false), { timeoutMs: 10_000 });
  }
  await gatewaySees(stack, 'auth', (state) => !state.ready && (state.failing ?? []).includes('redis'));
}

it.each<StopSignal>(['SIGTERM', 'SIGKILL'])(
  'with Redis stopped (%s): logins answer SERVICE_UNAVAILABLE; every client reconnects by itself',
  async (signal) => {
    expect((await login()).errors).toBeUndefined();
    const logStart = { api: stack.api.logs.length, worker: stack.worker.logs.length };

    await redis.stop(signal);
    try {
      // A read that fails open answers from MongoDB, next to the other subgraphs' fields.
      const read = await stack.query(`{ me { name } feed(first: 1) { title } }`, { token: user.token });
      expect(read.errors).toBeUndefined();
      expect(read.data).toMatchObject({ me: { name: 'Keeper' } });
      await duringTheOutage();
    } finally {
      await redis.start(); // same port; whatever failed above, the next test starts with it up
    }

    await allReady([stack.api, stack.worker], RECOVERY_MS);
    expect([stack.api.alive(), stack.worker.alive()]).toEqual([true, true]); // nobody restarted them
    // Every client that lost Redis says it is back (each has its own label).
    await eventually(
      () => {
        expect(stillDisconnected(stack.api.logs.slice(logStart.api))).toEqual([]);
        expect(stillDisconnected(stack.worker.logs.slice(logStart.worker))).toEqual([]);
      },
      { timeoutMs: RECOVERY_MS },
    );
    expect(linesFrom(stack.api, logStart.api, 50)).toEqual([]);
    // The breaker's trial call succeeds once BREAKER_RESET_MS is over: logins work again.
    await eventually(async () => expect((await login()).errors).toBeUndefined(), { timeoutMs: 15_000, intervalMs: 500 });
    await gatewaySees(stack, 'auth', (state) => state.ready && state.breaker === 'closed');
    // BullMQ's connections in the worker (its blocking one included) took jobs again.
    const newcomer = await register(stack, 'Newcomer');
    await sink.waitFor((mail) => mail.to.includes(newcomer.email), { timeoutMs: 20_000 });
  },
  60_000,
);
