import { Redis } from 'ioredis';
import { SUBGRAPH_NAMES } from '@supergraph/registry';
import { Types } from 'mongoose';
import { hashPassword } from '../../subgraphs/auth/src/sessions/password';
import { userModel } from '../../subgraphs/auth/src/users/model';
import { postModel } from '../../subgraphs/posts/src/posts/model';
import { addProduct } from '../support/products';
import { startTestStack, type StackWatch, type TestStack } from '../support/stack';
import { signUp, type SignedUpUser } from '../support/users';

/**
 * The cost of a query must not grow with its page size: every list that joins entities is
 * batched (DataLoader, one query per batch). The MongoDB commands each subgraph sends are
 * counted through the driver's command monitoring, with a cold cache, at two page sizes.
 */
let stack: TestStack;
let watch: StackWatch;
let redis: Redis;
const flush = async () => {
  await redis.flushall();
};

const FEED = (first: number) => `{ feed(first: ${first}) { title author { name posts(first: 5) { title } } } }`;
const SHOP = `{ me { name cart { items { product { name priceCents } } subtotalCents } orders { totalCents lines { productName product { name stock } } } } }`;

beforeAll(async () => {
  stack = await startTestStack({}, { ownRedis: true });
  redis = new Redis(stack.redis!.url);

  // 60 authors with 7 posts each, written straight to the databases (faster than the API).
  const passwordHash = await hashPassword('correct horse 42');
  const authors = Array.from({ length: 60 }, (_, i) => ({
    _id: new Types.ObjectId(),
    email: `author${i}-${Date.now()}@example.com`,
    name: `Author ${i}`,
    passwordHash,
    roles: ['user'],
    emailVerified: false,
  }));
  await userModel(stack.subgraphs.auth.connection).insertMany(authors);
  const start = Date.now() - 1_000_000;
  await postModel(stack.subgraphs.posts.connection).insertMany(
    authors.flatMap((author, a) =>
      Array.from({ length: 7 }, (_, seq) => ({
        title: `Post ${seq + 1} by ${a}`,
        body: 'Body',
        tags: ['seeded'],
        authorId: String(author._id),
        authorSeq: seq + 1,
        deletedAt: null,
        // Interleaved, so a feed page spans many authors.
        createdAt: new Date(start + seq * 60_000 + a * 100),
      })),
    ),
  );
  watch = stack.watch();
}, 120_000);
afterAll(async () => {
  watch.stop();
  await redis.quit();
  await stack.stop();
});

/** `value(name)` for every subgraph of the registry, by name. */
const perSubgraph = <T>(value: (name: (typeof SUBGRAPH_NAMES)[number]) => T) =>
  Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, value(name)])) as Record<(typeof SUBGRAPH_NAMES)[number], T>;

async function coldCounts(query: string, token?: string) {
  await flush();
  watch.reset();
  const result = await stack.query(query, token ? { token } : {});
  expect(result.errors).toBeUndefined();
  return { result, commands: perSubgraph((name) => [...watch[name]]) };
}

describe('MongoDB commands per operation do not grow with the page size', () => {
  it('feed -> Post.author -> User.posts: the same commands at 10 and at 50', async () => {
    const small = await coldCounts(FEED(10));
    const large = await coldCounts(FEED(50));
    const feed = (large.result.data as { feed: Array<{ author: { posts: unknown[] } }> }).feed;
    expect(feed).toHaveLength(50);
    expect(feed.every((post) => post.author.posts.length === 5)).toBe(true);
    expect(large.commands).toEqual(small.commands);
    // Feed ids, the feed's posts; author counts, author windows, the authors' posts. One user
    // batch in auth.
    expect(large.commands.posts).toEqual(['find', 'find', 'aggregate', 'find', 'find']);
    expect(large.commands.auth).toEqual(['find']);
  });

  it('cart items -> Product and orders -> lines -> Product: the same commands for 10 and 50 lines', async () => {
    const shopper = async (lines: number): Promise<SignedUpUser> => {
      const user = await signUp(stack, `Shopper${lines}`);
      const products = await Promise.all(Array.from({ length: lines }, () => addProduct(stack, { stock: 5 })));
      const fill = async () => {
        for (const p of products)
          await stack.query(`mutation($p: ID!) { addToCart(productId: $p) { itemCount } }`, {
            token: user.token,
            variables: { p },
          });
      };
      await fill();
      const order = await stack.query(`mutation($k: String!) { checkout(idempotencyKey: $k) { id } }`, {
        token: user.token,
        variables: { k: `counts-${lines}-${Date.now()}` },
      });
      expect(order.errors).toBeUndefined();
      await fill();
      return user;
    };
    const [ten, fifty] = [await shopper(10), await shopper(50)];
    const small = await coldCounts(SHOP, ten.token);
    const large = await coldCounts(SHOP, fifty.token);
    const me = (large.result.data as { me: { cart: { items: unknown[] }; orders: Array<{ lines: unknown[] }> } }).me;
    expect(me.cart.items).toHaveLength(50);
    expect(me.orders[0]?.lines).toHaveLength(50);
    expect(large.commands).toEqual(small.commands);
  });

  it('on a warm cache, repeating a read sends MongoDB nothing', async () => {
    const user = await signUp(stack, 'Warm');
    await stack.query(`mutation { createPost(input: { title: "Warm", body: "b" }) { id } }`, { token: user.token });
    for (const [query, token] of [
      [FEED(50), undefined],
      [SHOP, user.token],
    ] as const) {
      await stack.query(query, token ? { token } : {});
      watch.reset();
      const again = await stack.query(query, token ? { token } : {});
      expect(again.errors).toBeUndefined();
      expect(perSubgraph((name) => watch[name])).toEqual(perSubgraph(() => []));
    }
  });
});
