import { addProduct } from '../support/products';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { startTestStack, type TestStack } from '../support/stack';
import { signUp } from '../support/users';
import { exactlyOne } from './mail-helpers';

/**
 * (c) Redis is down while a mutation runs: the mutation still succeeds, its event waits in the
 * order's own document, and once Redis is back the relay enqueues it: one email, not zero.
 */
let stack: TestStack;
let sink: SmtpSink;

beforeAll(async () => {
  sink = await startSmtpSink();
  stack = await startTestStack({}, { ownRedis: true, workers: { smtpUrl: sink.url } });
}, 60_000);
afterAll(async () => {
  await stack.stop();
  await sink.close();
});

it('checkout while Redis is stopped succeeds, and its confirmation goes out once Redis is back', async () => {
  const user = await signUp(stack, 'Outage');
  const product = await addProduct(stack);
  await stack.query(`mutation($p: ID!) { addToCart(productId: $p) { itemCount } }`, {
    token: user.token,
    variables: { p: product },
  });
  const tagger = await signUp(stack, 'OutageTagger');

  await stack.redis!.stop();
  const started = Date.now();
  const order = await stack.query<{ checkout: { id: string; status: string } }>(
    `mutation { checkout(idempotencyKey: "outage-${Date.now()}") { id status } }`,
    { token: user.token },
  );
  expect(order.errors).toBeUndefined();
  expect(order.data!.checkout.status).toBe('PLACED');
  const tag = `outage-${Date.now()}`;
  const post = await stack.query(`mutation($t: String!) { createPost(input: { title: "t", body: "b", tags: [$t] }) { id } }`, {
    token: tagger.token,
    variables: { t: tag },
  });
  expect(post.errors).toBeUndefined();
  // A mutation does not wait for Redis (a fail-fast producer), only for MongoDB.
  expect(Date.now() - started).toBeLessThan(5_000);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  expect(sink.messages.filter((mail) => mail.subject.includes(order.data!.checkout.id))).toHaveLength(0);

  await stack.redis!.start();
  await exactlyOne(sink, (mail) => mail.to.includes(user.email) && mail.subject.includes(order.data!.checkout.id), 2_000);
  let count = 0;
  for (let attempt = 0; attempt < 100 && count !== 1; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    count =
      (
        await stack.query<{ trendingTags: Array<{ tag: string; count: number }> }>(`{ trendingTags(limit: 100) { tag count } }`)
      ).data!.trendingTags.find((row) => row.tag === tag)?.count ?? 0;
  }
  expect(count).toBe(1);
}, 60_000);
