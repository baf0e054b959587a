/**
 * `npm run seed -- --users 1000 --posts 20000 --products 500`: realistic data for development and
 * benchmarks. Deterministic and idempotent: the same sizes give the same documents, and ones
 * already there are left alone, so running it twice changes nothing.
 * Uses MONGO_URL and CACHE_REDIS_URL (else REDIS_URL) when set, else the local services (started if
 * needed).
 */
import { parseArgs } from 'node:util';
import { CACHE_PREFIX } from '@supergraph/cache';
import { Presets, SingleBar } from 'cli-progress';
import { Redis } from 'ioredis';
import { ensureIndexes } from '@supergraph/mongo';
import mongoose from 'mongoose';
import { hashPassword } from '../subgraphs/auth/src/sessions/password';
import { userModel } from '../subgraphs/auth/src/users/model';
import { productModel } from '../subgraphs/cart/src/products/model';
import { postModel } from '../subgraphs/posts/src/posts/model';
import { tagCountModel } from '../subgraphs/posts/src/tags/model';
import { withDatabase } from './mongo-url';
import { SEED_PASSWORD, seedEmail } from './seed/accounts';
import { seedData, type SeedSizes } from './seed/data';
import { devDataRoot, startLocalServices, type LocalServices } from './services';

const BATCH = 500;

function* map<T, U>(items: Iterable<T>, change: (item: T) => U): Iterable<U> {
  for (const item of items) yield change(item);
}

function sizesFromArgs(): SeedSizes {
  const { values } = parseArgs({
    options: {
      users: { type: 'string', default: '200' },
      posts: { type: 'string', default: '2000' },
      products: { type: 'string', default: '100' },
    },
  });
  const sizes = { users: Number(values.users), posts: Number(values.posts), products: Number(values.products) };
  for (const [name, value] of Object.entries(sizes)) {
    if (!Number.isInteger(value) || value < 0 || value > 5_000_000)
      throw new Error(`--${name} must be a whole number from 0 to 5000000`);
  }
  if (sizes.posts > 0 && sizes.users === 0) throw new Error('--posts needs at least one user (--users)');
  return sizes;
}

/**
 * Inserts documents in unordered batches, skipping those already there (duplicate keys): on
 * FerretDB an upsert per document costs a scan, an insert does not. Seeded documents are
 * deterministic, so one that exists is already right; what changed since (stock, passwords) stays.
 */
async function insertMissing<T extends { _id: unknown }>(
  label: string,
  model: { insertMany(documents: T[], options: { ordered: false; timestamps: false }): Promise<unknown> },
  total: number,
  documents: Iterable<T>,
): Promise<{ inserted: number }> {
  const bar = new SingleBar(
    { format: `${label.padEnd(9)} {bar} {value}/{total} {duration}s`, hideCursor: true },
    Presets.shades_classic,
  );
  bar.start(total, 0);
  let batch: T[] = [];
  let done = 0;
  let inserted = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    try {
      // The seed sets its own dates (mongoose would overwrite them).
      await model.insertMany(batch, { ordered: false, timestamps: false });
      inserted += batch.length;
    } catch (error) {
      const { code, insertedDocs, writeErrors } = error as {
        code?: number;
        insertedDocs?: unknown[];
        writeErrors?: Array<{ code?: number; err?: { code?: number } }>;
      };
      const onlyDuplicates = (writeErrors ?? [{ code }]).every((item) => (item.code ?? item.err?.code) === 11000);
      if (!onlyDuplicates) throw error;
      inserted += insertedDocs?.length ?? 0;
    }
    done += batch.length;
    bar.update(done);
    batch = [];
  };
  for (const document of documents) {
    batch.push(document);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  bar.stop();
  return { inserted };
}

async function main(): Promise<void> {
  const sizes = sizesFromArgs();
  let services: LocalServices | undefined;
  const only = [
    ...(process.env.MONGO_URL ? [] : (['ferretdb'] as const)),
    // Only the cache is touched here: the dev stack's cache Redis, or the one Redis given.
    ...(process.env.CACHE_REDIS_URL || process.env.REDIS_URL ? [] : (['redis-cache'] as const)),
  ];
  if (only.length > 0) {
    services = await startLocalServices({
      mongoPort: Number(process.env.MONGO_PORT ?? 27017),
      redisPort: Number(process.env.REDIS_PORT ?? 6379),
      redisCachePort: Number(process.env.REDIS_CACHE_PORT ?? 6380),
      dataRoot: devDataRoot(),
      only,
    });
  }
  const mongoUrl = process.env.MONGO_URL ?? services?.ferretdb?.url ?? '';
  const redisUrl = process.env.CACHE_REDIS_URL || process.env.REDIS_URL || services?.redisCache?.url || '';
  const connect = (name: string) => mongoose.createConnection(withDatabase(mongoUrl, `supergraph_${name}`)).asPromise();
  const [auth, posts, cart] = await Promise.all([connect('auth'), connect('posts'), connect('cart')]);
  try {
    const users = userModel(auth);
    const postsModel = postModel(posts);
    const products = productModel(cart);
    await Promise.all([auth, posts, cart].map(ensureIndexes));
    console.log(`Seeding ${sizes.users} users, ${sizes.posts} posts, ${sizes.products} products into ${mongoUrl}`);
    const data = seedData(sizes);
    const passwordHash = await hashPassword(SEED_PASSWORD);
    const now = new Date();
    const counts = {
      users: await insertMissing(
        'users',
        users as never,
        sizes.users,
        map(data.users(), (user) => ({ ...user, passwordHash, updatedAt: now })),
      ),
      posts: await insertMissing('posts', postsModel as never, sizes.posts, data.posts()),
      products: await insertMissing(
        'products',
        products as never,
        sizes.products,
        map(data.products(), (product) => ({ ...product, stockVersion: 0, createdAt: now, updatedAt: now })),
      ),
    };
    console.log(
      `New: ${counts.users.inserted} users, ${counts.posts.inserted} posts, ${counts.products.inserted} products (the rest were there already).`,
    );

    // Tag counts are kept by jobs as posts change; seeded posts did not go through them.
    const tags = await postsModel.aggregate<{ _id: string; count: number }>([
      { $match: { deletedAt: null } },
      { $unwind: '$tags' },
      { $group: { _id: '$tags', count: { $sum: 1 } } },
    ]);
    const tagCounts = tagCountModel(posts);
    for (const tag of tags)
      await tagCounts.updateOne({ _id: tag._id }, { $set: { count: tag.count, countedAt: now } }, { upsert: true });
    console.log(`Tag counts: ${tags.length} tags.`);

    // Cached lists and entities predate these writes: drop the caches (never sessions).
    const redis = new Redis(redisUrl);
    let dropped = 0;
    for await (const keys of redis.scanStream({ match: `${CACHE_PREFIX}*`, count: 1_000 }) as AsyncIterable<string[]>) {
      if (keys.length > 0) dropped += await redis.unlink(...keys);
    }
    await redis.quit();
    console.log(
      `Done. Cache entries dropped: ${dropped}. Sign in as ${seedEmail(1)} (an admin) .. ${seedEmail(sizes.users)} with password "${SEED_PASSWORD}".`,
    );
  } finally {
    await Promise.all([auth.close(), posts.close(), cart.close()]);
    await services?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
