import { createLogger } from '@supergraph/logger';
import { eventually, testEnv } from '@supergraph/testing';
import mongoose, { Types, type Connection } from 'mongoose';
import type { PostPosition } from '../src/posts/cursor';
import { createFeedWindow, createFeedWindowKeeper } from '../src/posts/feed-window';
import { postModel, type PostModel } from '../src/posts/model';

/**
 * The feed's window on the test FerretDB: every page it serves is the page the full query gives,
 * and it declines (the full query runs) when it cannot tell a page exactly.
 */

let connection: Connection;
let posts: PostModel;
const logger = createLogger({ service: 'test', level: 'silent' });
const base = Date.UTC(2026, 0, 1);
let serial = 0;

beforeAll(async () => {
  connection = await mongoose.createConnection(testEnv('feedwindow').MONGO_URL).asPromise();
  posts = postModel(connection);
  await posts.createIndexes();
});
afterAll(async () => {
  await connection.dropDatabase();
  await connection.close();
});

/** Posts written straight to the database (as the seed does), each a minute after the last; two share a time. */
async function addPosts(count: number, fields: { feedWindow?: boolean } = {}): Promise<void> {
  await posts.insertMany(
    Array.from({ length: count }, () => {
      serial += 1;
      const createdAt = new Date(base + Math.floor(serial / 2) * 60_000);
      return {
        _id: new Types.ObjectId(),
        title: `p${serial}`,
        body: 'b',
        tags: [],
        authorId: 'a',
        authorSeq: serial,
        deletedAt: null,
        ...fields,
        createdAt,
        updatedAt: createdAt,
      };
    }),
    { timestamps: false },
  );
}

/** The feed's full query (what the store runs when the window declines). */
async function fullPage(first: number, after: PostPosition | null): Promise<string[]> {
  const older = after
    ? { $or: [{ createdAt: { $lt: after.createdAt } }, { createdAt: after.createdAt, _id: { $lt: after.id } }] }
    : {};
  const found = await posts
    .find({ deletedAt: null, ...older }, { _id: 1 })
    .sort({ createdAt: -1, _id: -1 })
    .limit(first)
    .lean();
  return found.map((post) => String(post._id));
}

/** Every post's position, newest first. */
async function positions(): Promise<PostPosition[]> {
  const all = await posts.find({}, { createdAt: 1, authorSeq: 1 }).sort({ createdAt: -1, _id: -1 }).lean();
  return all.map((post) => ({ createdAt: post.createdAt, id: String(post._id), authorSeq: post.authorSeq }));
}

const marked = () => posts.countDocuments({ feedWindow: true });

it('serves only pages it holds exactly, as the full query gives them, and declines the others', async () => {
  await addPosts(40);
  const keeper = createFeedWindowKeeper({ posts, logger, size: 15 });
  const window = createFeedWindow(posts, 3);
  expect(await window.page(5, null)).toBeUndefined(); // no post written through it yet: never asks
  await keeper.trim(); // the seeded posts join: the newest 15
  expect(await marked()).toBe(15);
  expect(await window.joins()).toBe(true);

  let served = 0;
  let declined = 0;
  const all = await positions();
  for (const after of [null, ...all.slice(0, 20)]) {
    for (const first of [1, 5, 10]) {
      const page = await window.page(first, after);
      if (page === undefined) declined += 1;
      else {
        served += 1;
        expect(page).toEqual(await fullPage(first, after));
      }
    }
  }
  expect(served).toBeGreaterThan(10);
  expect(declined).toBeGreaterThan(10); // deep pages, and pages too near the window's oldest end
  expect(await window.page(12, null)).toHaveLength(12);
  expect(await window.page(13, null)).toBeUndefined(); // 15 marked, 3 must lie beyond
});

it('follows new and deleted posts, and the keeper trims it back to its size', async () => {
  const window = createFeedWindow(posts, 3);
  await window.joins();
  const keeper = createFeedWindowKeeper({ posts, logger, size: 15 });
  await addPosts(6, { feedWindow: true }); // written through the API: they join at once
  expect(await window.page(10, null)).toEqual(await fullPage(10, null));
  const newest = (await fullPage(3, null)).map((id) => new Types.ObjectId(id));
  await posts.updateMany({ _id: { $in: newest } }, { $set: { deletedAt: new Date() } });
  expect(await window.page(10, null)).toEqual(await fullPage(10, null));
  await keeper.trim();
  expect(await marked()).toBe(15);
  // 12 live posts left in it: 8 with 3 beyond them is a page it holds, 10 is not.
  expect(await window.page(8, null)).toEqual(await fullPage(8, null));
  expect(await window.page(10, null)).toBeUndefined();
});

it('fills itself again when it is short, and a stopped keeper trims no more', async () => {
  await posts.updateMany({}, { $set: { feedWindow: false } });
  const window = createFeedWindow(posts, 3);
  await window.joins();
  expect(await window.page(5, null)).toBeUndefined();
  const keeper = createFeedWindowKeeper({ posts, logger, size: 15, everyMs: 0 });
  keeper.trimSoon();
  await eventually(async () => expect(await marked()).toBe(15));
  expect(await window.page(5, null)).toEqual(await fullPage(5, null));
  await keeper.stop();
  await posts.updateMany({}, { $set: { feedWindow: false } });
  keeper.trimSoon();
  await keeper.stop();
  expect(await marked()).toBe(0);
});
