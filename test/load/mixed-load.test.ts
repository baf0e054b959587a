import { createMixedLoad, OPERATION_KINDS, type OperationKind } from '../../bench/load/mixed';
import { strongPassword } from '../../bench/load/mixed-operations';
import { orderModel } from '../../subgraphs/cart/src/orders/model';
import { createPasswordPolicy } from '../../subgraphs/auth/src/sessions/password-policy';
import { postModel } from '../../subgraphs/posts/src/posts/model';
import { addProduct } from '../support/products';
import { startTestStack, type TestStack } from '../support/stack';

/**
 * The mixed load generator (bench/load/mixed.ts) against a real stack: it sends every kind of request of
 * its mix, counts what it sent, and counts failures by operation and code; the end state of the databases
 * agrees with what it counted as done.
 */

jest.setTimeout(120_000);

let stack: TestStack;
const password = strongPassword();
const emails: string[] = [];

beforeAll(async () => {
  stack = await startTestStack();
  for (let i = 0; i < 3; i += 1) await addProduct(stack, { stock: 10_000 });
  for (let i = 0; i < 4; i += 1) {
    const email = `mixed-${process.pid}-${Date.now()}-${i}@example.com`;
    const answer = await stack.query(`mutation($input: RegisterInput!) { register(input: $input) { accessToken } }`, {
      variables: { input: { email, password, name: `Mixed ${i}` } },
    });
    expect(answer.errors).toBeUndefined();
    emails.push(email);
  }
});
afterAll(() => stack?.stop());

const evenMix = Object.fromEntries(OPERATION_KINDS.map((kind) => [kind, 1])) as Record<OperationKind, number>;

it('makes sign-up passwords that the password policy accepts', () => {
  const policy = createPasswordPolicy();
  for (let i = 0; i < 50; i += 1) expect(policy.problem(strongPassword(), ['load@example.com', 'Load Client'])).toBeNull();
});

it('sends every operation of the mix, with no failure on a healthy stack, and counts what the databases hold', async () => {
  const posts = postModel(stack.subgraphs.posts.connection);
  const orders = orderModel(stack.subgraphs.cart.connection);
  const [postsBefore, ordersBefore] = await Promise.all([posts.countDocuments({}), orders.countDocuments({})]);
  const load = createMixedLoad({
    url: stack.gatewayUrl,
    clients: 4,
    accounts: { emails, password },
    mix: evenMix,
    maxRequests: 240,
  });
  load.start();
  const stats = await load.done;
  expect(stats.requests).toBe(240);
  expect(stats.samples).toEqual([]);
  expect(stats.failures).toBe(0);
  for (const kind of OPERATION_KINDS) expect(stats.byOperation[kind].requests).toBeGreaterThan(0);
  // Every post and order it counted as done is there, and no other.
  expect((await posts.countDocuments({})) - postsBefore).toBe(stats.byOperation.createPost.requests);
  expect((await orders.countDocuments({ status: 'placed' })) - ordersBefore).toBe(stats.byOperation.checkout.requests);
  expect(await load.stop()).toEqual(stats);
});

it('counts failures by operation and code: reads of a stopped subgraph fail, the others do not', async () => {
  await stack.stopSubgraph('posts');
  try {
    const load = createMixedLoad({
      url: stack.gatewayUrl,
      clients: 2,
      accounts: { emails, password },
      mix: { ...Object.fromEntries(OPERATION_KINDS.map((kind) => [kind, 0])), feed: 1, products: 1 },
      maxRequests: 40,
    });
    load.start();
    const stats = await load.done;
    const { feed, products } = stats.byOperation;
    expect(feed.requests).toBeGreaterThan(0);
    expect(feed.failuresByCode).toEqual({ SUBGRAPH_UNAVAILABLE: feed.requests });
    expect(products).toMatchObject({ failures: 0, failuresByCode: {} });
    expect(stats.failuresByCode).toEqual({ SUBGRAPH_UNAVAILABLE: feed.requests });
    expect(stats.samples[0]).toMatchObject({ operation: 'feed', code: 'SUBGRAPH_UNAVAILABLE' });
  } finally {
    await stack.restartSubgraph('posts');
  }
});

it('stops when told, keeps its figures, and starts counting afresh on reset', async () => {
  const load = createMixedLoad({
    url: stack.gatewayUrl,
    clients: 2,
    accounts: { emails, password },
    mix: { ...evenMix, register: 0 },
  });
  load.start();
  for (let i = 0; i < 500 && load.stats().requests < 10; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
  load.reset();
  expect(load.stats().requests).toBeLessThan(3);
  const final = await load.stop();
  expect(await load.done).toEqual(final);
  expect(await load.stop()).toEqual(final);
  expect(load.stats().requests).toBe(final.requests);
});

it('refuses options it cannot run with, naming the bad value', () => {
  const accounts = { emails, password };
  expect(() => createMixedLoad({ url: stack.gatewayUrl, clients: 0, accounts })).toThrow(/clients must be .* got 0/);
  expect(() =>
    createMixedLoad({
      url: stack.gatewayUrl,
      clients: 1,
      accounts,
      mix: Object.fromEntries(OPERATION_KINDS.map((kind) => [kind, 0])),
    }),
  ).toThrow(/every weight of the mix is 0/);
  expect(() => createMixedLoad({ url: stack.gatewayUrl, clients: 1, accounts, mix: { feed: -1 } })).toThrow(/weight of feed/);
  expect(() => createMixedLoad({ url: 'http://example.com/graphql', clients: 1, accounts, distinctAddresses: true })).toThrow(
    /loopback, got example.com/,
  );
  expect(() => createMixedLoad({ url: stack.gatewayUrl, clients: 1, accounts: { emails: [], password } })).toThrow(
    /at least one account/,
  );
});
