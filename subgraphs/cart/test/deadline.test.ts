import { signIdentity } from '@supergraph/identity';
import { DEADLINE_HEADER } from '@supergraph/server';
import { graphql, TEST_SECRETS } from '@supergraph/testing';
import { addProduct } from '../../../test/support/products';
import { startTestStack, type TestStack } from '../../../test/support/stack';
import { signUp, type SignedUpUser } from '../../../test/support/users';
import { orderOutcomeModel } from '../src/orders/outcome-model';
import type { StoredOrder } from '../src/orders/settlement';
import { cartDomain, type CartDomain } from './checkout-fixtures';

/**
 * Deadlines: the gateway gives the cart its fetch timeout as a budget, checkout writes nothing
 * once the budget is spent, a checkout that stopped midway is completed or given back by its
 * retry, and the reclaim task finishes the rest, giving back each unit once whatever ran before.
 */
const CHECKOUT = `mutation($key: String!) { checkout(idempotencyKey: $key) { id status } }`;
const ADD = `mutation($p: ID!, $q: Int!) { addToCart(productId: $p, quantity: $q) { itemCount } }`;
const GATEWAY_BUDGET_MS = 60_000;

let stack: TestStack;
let domain: CartDomain;
beforeAll(async () => {
  stack = await startTestStack({ SUBGRAPH_TIMEOUTS: `cart=${GATEWAY_BUDGET_MS}` });
  domain = cartDomain(stack);
}, 60_000);
afterAll(() => stack.stop());

let keys = 0;
const key = () => `deadline-${process.pid}-${Date.now()}-${keys++}`;
const past = () => new Date(Date.now() - 1_000);

async function buyer(lines: Array<{ productId: string; quantity: number }>): Promise<SignedUpUser> {
  const user = await signUp(stack, 'Deadline');
  for (const line of lines) {
    const added = await stack.query(ADD, { token: user.token, variables: { p: line.productId, q: line.quantity } });
    expect(added.errors).toBeUndefined();
  }
  return user;
}

const itemCount = async (user: SignedUpUser) =>
  (await stack.query<{ me: { cart: { itemCount: number } } }>(`{ me { cart { itemCount } } }`, { token: user.token })).data!.me
    .cart.itemCount;

describe('the budget', () => {
  it('is the gateway’s fetch timeout for the cart, passed on in a header', async () => {
    const p = await addProduct(stack);
    const user = await buyer([{ productId: p, quantity: 1 }]);
    const k = key();
    expect((await stack.query(CHECKOUT, { token: user.token, variables: { key: k } })).errors).toBeUndefined();
    const order = await domain.orders.findOne({ userId: user.userId, idempotencyKey: k }).lean();
    const budget = order!.deadlineAt!.getTime() - order!.createdAt.getTime();
    // The default without the header is 10 s: only the gateway's 60 s explains more than 30 s.
    expect(budget).toBeGreaterThan(30_000);
    expect(budget).toBeLessThanOrEqual(GATEWAY_BUDGET_MS);
  });

  it('spent before the order is written: nothing is written or taken, and the same key works later', async () => {
    const p = await addProduct(stack, { stock: 5 });
    const user = await buyer([{ productId: p, quantity: 2 }]);
    const identity = await signIdentity(
      { userId: user.userId, email: user.email, roles: ['user'], clientIp: '127.0.0.1' },
      TEST_SECRETS.IDENTITY_SECRET,
      30,
    );
    const k = key();
    const late = await graphql(stack.subgraphUrls.cart, CHECKOUT, {
      variables: { key: k },
      headers: { 'x-supergraph-identity': identity, [DEADLINE_HEADER]: '0' },
    });
    expect(late.errors?.[0]?.extensions).toMatchObject({ code: 'DEADLINE_EXCEEDED' });
    expect(await domain.orders.countDocuments({ userId: user.userId })).toBe(0);
    expect(await domain.stockOf(p)).toBe(5);

    const later = await stack.query<{ checkout: { status: string } }>(CHECKOUT, { token: user.token, variables: { key: k } });
    expect(later.data?.checkout.status).toBe('PLACED');
    expect(await domain.stockOf(p)).toBe(3);
  });
});

describe('a checkout that stopped midway, retried after its deadline', () => {
  it('expires when it lacks stock: what it took goes back once, the cart stays, and the retry says so', async () => {
    const [a, b] = [await addProduct(stack, { stock: 10 }), await addProduct(stack, { stock: 10 })];
    const user = await buyer([
      { productId: a, quantity: 2 },
      { productId: b, quantity: 3 },
    ]);
    const k = key();
    const order = await domain.pendingOrder({
      userId: user.userId,
      idempotencyKey: k,
      lines: [
        { productId: a, quantity: 2 },
        { productId: b, quantity: 3 },
      ],
      deadlineAt: past(),
    });
    await domain.take(order, 0);
    expect(await domain.stockOf(a)).toBe(8);

    for (let attempt = 0; attempt < 2; attempt += 1) {
      const retry = await stack.query(CHECKOUT, { token: user.token, variables: { key: k } });
      expect(retry.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'CHECKOUT_EXPIRED' });
      expect([await domain.stockOf(a), await domain.stockOf(b)]).toEqual([10, 10]);
      expect(await domain.movementsOf(String(order._id), a)).toEqual({ take: 1, release: 1 });
      expect(await domain.movementsOf(String(order._id), b)).toEqual({ take: 0, release: 0 });
    }
    expect(await itemCount(user)).toBe(5);
    // The reclaim task closes it later, giving back nothing more.
    expect(await domain.statusOf(order._id)).toBe('pending');
    expect((await domain.reclaim(0).run()).unitsReleased).toBe(0);
    expect(await domain.statusOf(order._id)).toBe('expired');
    expect([await domain.stockOf(a), await domain.stockOf(b)]).toEqual([10, 10]);
  });

  it('completes when it already holds all its stock: the same order, taken once, out of the cart', async () => {
    const [a, b] = [await addProduct(stack, { stock: 10 }), await addProduct(stack, { stock: 10 })];
    const user = await buyer([
      { productId: a, quantity: 1 },
      { productId: b, quantity: 4 },
    ]);
    const k = key();
    const order = await domain.pendingOrder({
      userId: user.userId,
      idempotencyKey: k,
      lines: [
        { productId: a, quantity: 1 },
        { productId: b, quantity: 4 },
      ],
      deadlineAt: past(),
    });
    await domain.take(order, 0);
    await domain.take(order, 1);

    const retry = await stack.query<{ checkout: { id: string; status: string } }>(CHECKOUT, {
      token: user.token,
      variables: { key: k },
    });
    expect(retry.errors).toBeUndefined();
    expect(retry.data!.checkout).toEqual({ id: String(order._id), status: 'PLACED' });
    expect([await domain.stockOf(a), await domain.stockOf(b)]).toEqual([9, 6]);
    expect(await itemCount(user)).toBe(0);
    expect(await domain.statusOf(order._id)).toBe('placed');
  });
});

describe('the reclaim task', () => {
  it('gives back each unit exactly once, run three times at once after crashes at every step, and once more', async () => {
    const [p, q] = [await addProduct(stack, { stock: 100 }), await addProduct(stack, { stock: 100 })];
    const outcomes = orderOutcomeModel(stack.subgraphs.cart.connection);
    const lines = (a: number, b: number) => [
      { productId: p, quantity: a },
      { productId: q, quantity: b },
    ];
    const order = (a: number, b: number, deadlineAt = past()) => domain.pendingOrder({ lines: lines(a, b), deadlineAt });
    const decide = (o: StoredOrder, outcome: 'placed' | 'failed' | 'expired') =>
      domain.settlement.decide(String(o._id), {
        outcome,
        failure: outcome === 'failed' ? { reason: 'INSUFFICIENT_STOCK', productId: q } : null,
      });

    // Each order is where a checkout (or an earlier run) stopped: the first steps of the real thing.
    const allTaken = await order(1, 2); // died after its last take
    await domain.take(allTaken, 0);
    await domain.take(allTaken, 1);
    const halfTaken = await order(3, 4); // died between two takes
    await domain.take(halfTaken, 0);
    const decided = await order(5, 6); // decided expired, died before giving back
    await domain.take(decided, 0);
    await domain.take(decided, 1);
    await decide(decided, 'expired');
    const halfReleased = await order(7, 8); // died between two releases
    await domain.take(halfReleased, 0);
    await domain.take(halfReleased, 1);
    await decide(halfReleased, 'expired');
    await domain.release(halfReleased, 0);
    const released = await order(9, 10); // gave everything back, died before closing
    await domain.take(released, 0);
    await domain.take(released, 1);
    await decide(released, 'expired');
    await domain.release(released, 0);
    await domain.release(released, 1);
    const placed = await order(11, 12); // decided placed, died before copying it onto the order
    await domain.take(placed, 0);
    await domain.take(placed, 1);
    await decide(placed, 'placed');
    const failed = await order(13, 14); // a line could not be filled, died before giving back
    await domain.take(failed, 0);
    await decide(failed, 'failed');
    const untouched = await order(15, 16); // never took anything
    const inFlight = await order(17, 18, new Date(Date.now() + 3_600_000)); // its checkout may still be running
    await domain.take(inFlight, 0);

    const runs = await Promise.all([domain.reclaim(0).run(), domain.reclaim(0).run(), domain.reclaim(0).run()]);
    const again = await domain.reclaim(0).run();

    // Owed back: halfTaken 3, decided 5 + 6, halfReleased 8, failed 13; not one unit more or less.
    expect(runs.reduce((sum, run) => sum + run.unitsReleased, 0)).toBe(3 + 5 + 6 + 8 + 13);
    expect(again).toMatchObject({ looked: 0, unitsReleased: 0, errors: 0 });
    expect(runs.every((run) => run.errors === 0)).toBe(true);
    expect(await domain.stockOf(p)).toBe(100 - 1 - 11 - 17);
    expect(await domain.stockOf(q)).toBe(100 - 2 - 12);

    const expected: Array<[StoredOrder, string]> = [
      [allTaken, 'placed'],
      [halfTaken, 'expired'],
      [decided, 'expired'],
      [halfReleased, 'expired'],
      [released, 'expired'],
      [placed, 'placed'],
      [failed, 'failed'],
      [untouched, 'expired'],
      [inFlight, 'pending'],
    ];
    for (const [stored, status] of expected) {
      const orderId = String(stored._id);
      const final = await domain.orders.findById(stored._id).lean();
      expect([orderId, final?.status]).toEqual([orderId, status]);
      for (const productId of [p, q]) {
        const moves = await domain.movementsOf(orderId, productId);
        expect(moves.release).toBeLessThanOrEqual(1);
        if (status === 'expired' || status === 'failed') expect(moves.release).toBe(moves.take);
        if (status === 'placed') expect(moves).toEqual({ take: 1, release: 0 });
      }
      // A completed order carries its confirmation, once.
      if (status === 'placed') expect(final?.outbox.map((event) => event.type)).toEqual(['order-placed']);
    }
    expect((await outcomes.findById(String(allTaken._id)).lean())?.outcome).toBe('placed');
    expect(await outcomes.findById(String(inFlight._id)).lean()).toBeNull();
  });
});
