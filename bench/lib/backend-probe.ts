import mongoose, { type Connection } from 'mongoose';
import { withDatabase } from '../../scripts/mongo-url';
import { seedEmail } from '../../scripts/seed/accounts';
import { seedId, type SeedSizes } from '../../scripts/seed/data';
import { userModel } from '../../subgraphs/auth/src/users/model';
import { productModel } from '../../subgraphs/cart/src/products/model';
import { postModel } from '../../subgraphs/posts/src/posts/model';

/**
 * The queries our subgraphs send most, each timed alone on seeded data (the median of a few runs), to compare
 * FerretDB's backends on what we actually ask of them, not on a synthetic query.
 */

export interface ProbeResult {
  query: string;
  /** What FerretDB can do with it: an index or the primary key, or a read of every document. */
  shape: string;
  medianMs: number;
}

const REPS = 7;

async function median(run: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < REPS; i += 1) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(REPS / 2)]!;
}

/** Times each query on the seeded databases behind `mongoUrl`. */
export async function probeBackend(mongoUrl: string, sizes: SeedSizes): Promise<ProbeResult[]> {
  const connections: Connection[] = [];
  const open = async (name: string) => {
    const connection = await mongoose.createConnection(withDatabase(mongoUrl, `supergraph_${name}`)).asPromise();
    connections.push(connection);
    return connection;
  };
  try {
    const posts = postModel(await open('posts'));
    const users = userModel(await open('auth'));
    const products = productModel(await open('cart'));
    const postIds = Array.from({ length: 20 }, (_, i) => seedId('post', Math.floor((i * sizes.posts) / 20)));
    const userIds = Array.from({ length: 20 }, (_, i) => seedId('user', Math.floor((i * sizes.users) / 20)));
    const probes: Array<[string, string, () => Promise<unknown>]> = [
      ['post by _id (a cached entity missing)', 'primary key', () => posts.findOne({ _id: postIds[0] }).lean()],
      ['user by email (login)', 'index (equality)', () => users.findOne({ email: seedEmail(Math.ceil(sizes.users / 2)) }).lean()],
      ["an author's post count (createPost)", 'index (equality)', () => posts.countDocuments({ authorId: String(userIds[1]) })],
      [
        "one tag's live posts (tag recount job)",
        'array equality, then a filter',
        () => posts.countDocuments({ tags: 'graphql', deletedAt: null }),
      ],
      [
        'feed page: 20 newest live posts',
        'every post, sorted in FerretDB',
        () => posts.find({ deletedAt: null }, { _id: 1 }).sort({ createdAt: -1, _id: -1 }).limit(20).lean(),
      ],
      [
        '20 posts by id ($in, a DataLoader batch)',
        'every post',
        () => posts.find({ _id: { $in: postIds }, deletedAt: null }).lean(),
      ],
      ['20 users by id ($in, post authors)', 'every user', () => users.find({ _id: { $in: userIds } }).lean()],
      [
        'products page: 20 by _id',
        'every product, sorted in FerretDB',
        () => products.find({}, { _id: 1 }).sort({ _id: 1 }).limit(20).lean(),
      ],
    ];
    const results: ProbeResult[] = [];
    for (const [query, shape, run] of probes) results.push({ query, shape, medianMs: await median(run) });
    return results;
  } finally {
    await Promise.all(connections.map((connection) => connection.close()));
  }
}
