import type { BuiltWorker } from '@supergraph/subgraph';
import { Redis } from 'ioredis';
import { addProduct } from '../support/products';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { startTestStack, type TestStack } from '../support/stack';
import { signUp, type SignedUpUser } from '../support/users';
import { inspectQueue, startWorker, until } from './outbox-helpers';

/**
 * Redis loses jobs that were already enqueued: with no worker running, users sign up, place
 * orders and write tagged posts (every job reaches Redis), then Redis restarts and is flushed,
 * so whatever persistence it has, the jobs are gone. Then the workers start: every sign-up and
 * every order still gets exactly one email and the tag count is exact, because an event is done
 * when its effect is recorded, not when it reached Redis. Checked once the queues are drained
 * and a sweep found nothing left to do.
 */
const N = 10;
let stack: TestStack;
let sink: SmtpSink;
const workers: BuiltWorker[] = [];

beforeAll(async () => {
  sink = await startSmtpSink();
  // A short grace, so the relay looks at the lost events soon after the workers start.
  stack = await startTestStack({ OUTBOX_GRACE_MS: '1000', OUTBOX_BACKOFF_MS: '500' }, { ownRedis: true });
}, 60_000);
afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.close()));
  await stack.stop();
  await sink.close();
});

it('after Redis lost their jobs, every sign-up and order gets exactly one email and the tag count is exact', async () => {
  const product = await addProduct(stack, { stock: N });
  const buyers: SignedUpUser[] = [];
  for (let i = 0; i < N; i += 1) buyers.push(await signUp(stack, 'Lost'));
  const orderIds: string[] = [];
  for (const buyer of buyers) {
    await stack.query(`mutation($p: ID!) { addToCart(productId: $p) { itemCount } }`, {
      token: buyer.token,
      variables: { p: product },
    });
    const order = await stack.query<{ checkout: { id: string } }>(
      `mutation($k: String!) { checkout(idempotencyKey: $k) { id } }`,
      { token: buyer.token, variables: { k: `lost-${buyer.userId}` } },
    );
    expect(order.errors).toBeUndefined();
    orderIds.push(order.data!.checkout.id);
  }

  const tag = `lost-${Date.now()}`;
  const postIds: string[] = [];
  for (let i = 0; i < 4; i += 1) {
    const post = await stack.query<{ createPost: { id: string } }>(
      `mutation($t: String!) { createPost(input: { title: "t", body: "b", tags: [$t] }) { id } }`,
      { token: buyers[i]!.token, variables: { t: tag } },
    );
    postIds.push(post.data!.createPost.id);
  }
  await stack.query(`mutation($id: ID!) { deletePost(id: $id) }`, { token: buyers[0]!.token, variables: { id: postIds[0] } });

  const queues = [
    inspectQueue(stack, 'auth', 'auth-email'),
    inspectQueue(stack, 'cart', 'cart-email'),
    inspectQueue(stack, 'posts', 'posts-tags'),
  ];
  try {
    // Every job reached Redis: under the old relay, each event counted as relayed from here on.
    expect(await Promise.all(queues.map((queue) => queue.unfinished()))).toEqual([N, N, 5]);

    await stack.redis!.stop();
    await stack.redis!.start();
    const admin = new Redis(stack.redis!.url);
    await admin.flushall();
    await admin.quit();
    await until('Redis answers with no jobs', async () =>
      (await Promise.all(queues.map((queue) => queue.unfinished().catch(() => -1)))).every((count) => count === 0),
    );
    expect(sink.messages).toHaveLength(0);

    workers.push(
      await startWorker(stack, 'auth', sink.url),
      await startWorker(stack, 'cart', sink.url),
      await startWorker(stack, 'posts', sink.url),
    );
    const relays = workers.map((worker) => worker.relay!);
    const drained = async () => (await Promise.all(queues.map((queue) => queue.unfinished()))).every((count) => count === 0);
    await until(
      'every event is done and the queues are drained',
      async () =>
        (await Promise.all(relays.map((relay) => relay.backlog()))).every((backlog) => backlog.pending === 0) &&
        (await drained()),
      60_000,
    );
    // One more sweep of each relay: nothing is due, nothing is enqueued again.
    for (const relay of relays) expect(await relay.sweep()).toMatchObject({ due: 0, enqueued: 0 });
    expect(await drained()).toBe(true);

    for (const buyer of buyers) {
      const mails = sink.messages.filter((mail) => mail.to.includes(buyer.email));
      expect(mails.map((mail) => mail.subject).sort()).toEqual(
        ['Confirm your email address', `Your order ${orderIds[buyers.indexOf(buyer)]} is confirmed`].sort(),
      );
    }
    expect(sink.messages).toHaveLength(2 * N);
    const trending = await stack.query<{ trendingTags: Array<{ tag: string; count: number }> }>(
      `{ trendingTags(limit: 100) { tag count } }`,
    );
    expect(trending.data!.trendingTags.find((row) => row.tag === tag)?.count).toBe(3);
    for (const relay of relays) expect(await relay.backlog()).toEqual({ pending: 0, failed: 0 });
  } finally {
    await Promise.all(queues.map((queue) => queue.close()));
  }
}, 120_000);
