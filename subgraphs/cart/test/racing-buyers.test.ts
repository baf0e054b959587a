import { signAccessToken } from '@supergraph/identity';
import { eventually, TEST_SECRETS } from '@supergraph/testing';
import { Types } from 'mongoose';
import { addProduct } from '../../../test/support/products';
import { startSmtpSink, type SmtpSink } from '../../../test/support/smtp-sink';
import { startTestStack, type TestStack } from '../../../test/support/stack';
import { cartModel } from '../src/carts/model';
import { productModel } from '../src/products/model';
import { cartDomain, type CartDomain } from './checkout-fixtures';

/**
 * The outside tester's case: many buyers race for one product while the gateway gives the cart
 * a short budget, so some checkouts are abandoned by the gateway mid-way. Whatever each one
 * answered, once the cart worker's reclaim task has finished the abandoned ones, every order is
 * placed with its stock taken, or holds no stock, and the stock is exactly the opening stock
 * minus what placed orders bought.
 */
const BUYERS = 50;
const OPENING_STOCK = 40;
const CHECKOUT = `mutation($key: String!) { checkout(idempotencyKey: $key) { id status } }`;

let stack: TestStack;
let sink: SmtpSink;
let domain: CartDomain;
beforeAll(async () => {
  sink = await startSmtpSink();
  stack = await startTestStack(
    {
      // A budget well under what 50 buyers of one product need in all (the tester saw over 10 s).
      SUBGRAPH_TIMEOUTS: 'cart=700',
      // Keep the cart's breaker closed, so every checkout reaches the cart.
      BREAKER_VOLUME: '10000',
      ORDER_RECLAIM_AFTER_MS: '500',
      ORDER_RECLAIM_EVERY_MS: '200',
    },
    { workers: { smtpUrl: sink.url, only: ['cart'] } },
  );
  domain = cartDomain(stack);
}, 60_000);
afterAll(async () => {
  await stack?.stop();
  await sink?.close();
});

it('every checkout completes or holds no stock, and stock is the opening stock minus placed orders', async () => {
  const productId = await addProduct(stack, { name: 'Scarce', stock: OPENING_STOCK });
  const carts = cartModel(stack.subgraphs.cart.connection);
  const buyers = await Promise.all(
    Array.from({ length: BUYERS }, async (_, index) => {
      const userId = new Types.ObjectId().toHexString();
      await carts.create({ _id: userId, items: [{ productId, quantity: 1 }], version: 1 });
      const token = await signAccessToken(
        { userId, email: `racer-${index}@example.com`, roles: ['user'], sessionId: `racer-${index}` },
        { JWT_SECRET: TEST_SECRETS.JWT_SECRET, JWT_ISSUER: 'supergraph', JWT_AUDIENCE: 'supergraph' },
        600,
      );
      return { userId, token, key: `racer-${process.pid}-${Date.now()}-${index}` };
    }),
  );

  const answers = await Promise.all(
    buyers.map((buyer) =>
      stack.query<{ checkout: { id: string; status: string } | null }>(CHECKOUT, {
        token: buyer.token,
        variables: { key: buyer.key },
      }),
    ),
  );
  // Every answer is an order or a coded refusal: nothing hangs, nothing is a 5xx.
  for (const answer of answers) {
    expect(answer.status).toBe(200);
    if (!answer.data?.checkout) {
      expect(['SUBGRAPH_UNAVAILABLE', 'CONFLICT', 'DEADLINE_EXCEEDED']).toContain(answer.errors?.[0]?.extensions?.code);
    }
  }

  // Once no order is left pending (the reclaim task finished the abandoned ones), the books balance.
  const settled = await eventually(
    async () => {
      const orders = await domain.orders.find({ 'lines.productId': productId }).lean();
      expect(orders.filter((order) => order.status === 'pending')).toEqual([]);
      const placed = orders.filter((order) => order.status === 'placed');
      expect(await domain.stockOf(productId)).toBe(OPENING_STOCK - placed.length);
      expect((await productModel(stack.subgraphs.cart.connection).findById(productId).lean())?.stock).toBe(
        OPENING_STOCK - placed.length,
      );
      return { orders, placed };
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );

  expect(settled.placed.length).toBeLessThanOrEqual(OPENING_STOCK);
  for (const order of settled.orders) {
    const moves = await domain.movementsOf(String(order._id), productId);
    // Placed: its unit taken and kept. Failed or expired: whatever it took given back, once.
    expect([order.status, moves]).toEqual(
      order.status === 'placed'
        ? ['placed', { take: 1, release: 0 }]
        : [order.status, { take: moves.release, release: moves.release }],
    );
  }
  for (const [index, buyer] of buyers.entries()) {
    const own = settled.orders.filter((order) => order.userId === buyer.userId);
    expect(own.length).toBeLessThanOrEqual(1);
    // A buyer who got an order back has it, placed.
    const answered = answers[index]!.data?.checkout;
    if (answered) expect(own.map((order) => [String(order._id), order.status])).toEqual([[answered.id, 'placed']]);
  }
  // Each placed order's confirmation goes out once, whoever completed it.
  for (const order of settled.placed) {
    await sink.waitFor((mail) => mail.subject.includes(String(order._id)), { timeoutMs: 30_000 });
  }
  expect(sink.messages.filter((mail) => mail.subject.startsWith('Your order')).length).toBe(settled.placed.length);
}, 120_000);
