import { Redis } from 'ioredis';
import { startOwnRedis, type OwnRedis } from '../support/own-redis';
import { startTestStack, type TestStack } from '../support/stack';
import { signUp } from '../support/users';

/**
 * With CACHE_REDIS_URL set, the subgraphs split their Redis use by role: sessions, login throttles
 * and queues stay on the durable Redis (REDIS_URL), every cache entry goes to the cache Redis. A
 * cache Redis that goes away costs reads their cache and nothing else.
 */
let stack: TestStack;
let cacheRedis: OwnRedis;
let durable: Redis;
let cache: Redis;

const prefixes = () => Object.values(stack.envs).map((env) => env.REDIS_KEY_PREFIX ?? '');
async function keysUnder(redis: Redis, pattern: string): Promise<string[]> {
  const found = await Promise.all(prefixes().map((prefix) => redis.keys(`${prefix}${pattern}`)));
  return found.flat();
}

beforeAll(async () => {
  cacheRedis = await startOwnRedis();
  stack = await startTestStack({ CACHE_REDIS_URL: cacheRedis.url });
  durable = new Redis(process.env.TEST_REDIS_URL!);
  cache = new Redis(cacheRedis.url);
});

afterAll(async () => {
  await Promise.all([durable?.quit(), cache?.quit().catch(() => cache.disconnect())]);
  await stack?.stop();
  await cacheRedis?.dispose();
});

it('keeps sessions and queues on the durable Redis and every cache entry on the cache Redis', async () => {
  const author = await signUp(stack, 'Roles');
  const created = await stack.query(`mutation { createPost(input: { title: "split", body: "b" }) { id } }`, {
    token: author.token,
  });
  expect(created.errors).toBeUndefined();
  const read = await stack.query<{ feed: Array<{ title: string }> }>(`{ feed(first: 5) { title author { name } } }`);
  expect(read.data?.feed[0]?.title).toBe('split');

  const cached = await keysUnder(cache, 'cache:*');
  expect(cached.length).toBeGreaterThan(0);
  expect(await keysUnder(durable, 'cache:*')).toEqual([]);

  expect((await keysUnder(durable, 'auth:session:*')).length).toBeGreaterThan(0);
  expect((await keysUnder(durable, 'bull:*')).length).toBeGreaterThan(0);
  expect(await keysUnder(cache, 'auth:*')).toEqual([]);
  expect(await keysUnder(cache, 'bull:*')).toEqual([]);
});

it('signs in and answers reads while the cache Redis is down', async () => {
  const user = await signUp(stack, 'NoCache');
  await cacheRedis.stop();
  const login = await stack.query<{ login: { accessToken: string } }>(
    `mutation($input: LoginInput!) { login(input: $input) { accessToken } }`,
    { variables: { input: { email: user.email, password: 'correct horse 42' } } },
  );
  expect(login.errors).toBeUndefined();
  expect(login.data?.login.accessToken).toEqual(expect.any(String));
  const read = await stack.query<{ feed: Array<{ title: string }> }>(`{ feed(first: 5) { title } }`);
  expect(read.errors).toBeUndefined();
  expect(read.data?.feed[0]?.title).toBe('split');
  await cacheRedis.start();
});
