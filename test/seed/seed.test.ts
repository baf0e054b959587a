import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import mongoose from 'mongoose';
import { withDatabase } from '../../scripts/mongo-url';
import { SEED_PASSWORD, seedEmail } from '../../scripts/seed/accounts';
import { startTestStack } from '../support/stack';

const root = path.resolve(__dirname, '../..');
const run = promisify(execFile);

/** `npm run seed` against the test servers: twice, then used through the gateway. */
it('seeds realistic data, changes nothing the second time, and the data works end to end', async () => {
  const mongoUrl = process.env.TEST_MONGO_URL!;
  const env = { ...process.env, MONGO_URL: mongoUrl, REDIS_URL: process.env.TEST_REDIS_URL! };
  const args = [path.join(root, 'scripts/seed.ts'), '--users', '25', '--posts', '300', '--products', '12'];
  const first = await run(path.join(root, 'node_modules/.bin/tsx'), args, { cwd: root, env });
  expect(first.stdout).toContain('New: 25 users, 300 posts, 12 products');
  const second = await run(path.join(root, 'node_modules/.bin/tsx'), args, { cwd: root, env });
  expect(second.stdout).toContain('New: 0 users, 0 posts, 0 products');

  const posts = await mongoose.createConnection(withDatabase(mongoUrl, 'supergraph_posts')).asPromise();
  try {
    // Every author's posts are numbered 1..n with no gaps, as the posts subgraph relies on.
    const rows = await posts
      .db!.collection('posts')
      .find({}, { projection: { authorId: 1, authorSeq: 1 } })
      .toArray();
    expect(rows).toHaveLength(300);
    const byAuthor = new Map<string, number[]>();
    for (const row of rows)
      byAuthor.set(String(row.authorId), [...(byAuthor.get(String(row.authorId)) ?? []), Number(row.authorSeq)]);
    for (const seqs of byAuthor.values()) expect(seqs.sort((a, b) => a - b)).toEqual(seqs.map((_, i) => i + 1));
  } finally {
    await posts.close();
  }

  const stack = await startTestStack(
    {},
    {
      keepDatabases: true,
      perService: {
        auth: { MONGO_URL: withDatabase(mongoUrl, 'supergraph_auth') },
        posts: { MONGO_URL: withDatabase(mongoUrl, 'supergraph_posts') },
        cart: { MONGO_URL: withDatabase(mongoUrl, 'supergraph_cart') },
      },
    },
  );
  try {
    const login = await stack.query<{ login: { accessToken: string } }>(
      `mutation($e: String!, $p: String!) { login(input: { email: $e, password: $p }) { accessToken } }`,
      {
        variables: { e: seedEmail(1), p: SEED_PASSWORD },
      },
    );
    expect(login.errors).toBeUndefined();
    const read = await stack.query<{
      me: { roles: string[] };
      feed: Array<{ author: { name: string; posts: unknown[] } }>;
      products: unknown[];
      trendingTags: Array<{ count: number }>;
    }>(
      `{ me { roles } feed(first: 20) { title author { name posts(first: 3) { title } } } products(first: 12) { name stock } trendingTags(limit: 5) { tag count } }`,
      { token: login.data!.login.accessToken },
    );
    expect(read.errors).toBeUndefined();
    expect(read.data!.me.roles).toContain('admin');
    expect(read.data!.feed).toHaveLength(20);
    expect(read.data!.feed.every((post) => post.author.name.length > 0 && post.author.posts.length > 0)).toBe(true);
    expect(read.data!.products).toHaveLength(12);
    expect(read.data!.trendingTags.length).toBeGreaterThan(0);
    expect(read.data!.trendingTags[0]!.count).toBeGreaterThan(0);
  } finally {
    await stack.stop();
  }
}, 120_000);
