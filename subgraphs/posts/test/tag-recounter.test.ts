import { watchCommands } from '@supergraph/mongo';
import { testEnv } from '@supergraph/testing';
import mongoose, { type Connection } from 'mongoose';
import { postModel, type PostModel } from '../src/posts/model';
import { tagCountModel, type TagCountModel } from '../src/tags/model';
import { createTagRecounter } from '../src/tags/recounter';

/** Recounts of a tag shared by the events they cover, on the test FerretDB. */

let connection: Connection;
let posts: PostModel;
let tagCounts: TagCountModel;
let serial = 0;

beforeAll(async () => {
  connection = await mongoose.createConnection(testEnv('recounter').MONGO_URL, { monitorCommands: true }).asPromise();
  posts = postModel(connection);
  tagCounts = tagCountModel(connection);
});
afterAll(async () => {
  await connection.dropDatabase();
  await connection.close();
});

const addPost = (tag: string) =>
  posts.create({ title: 't', body: 'b', tags: [tag], authorId: 'a', authorSeq: (serial += 1), deletedAt: null, outbox: [] });
const countOf = async (tag: string) => (await tagCounts.findById(tag).lean())?.count;

it('counts once for every event written before the recount started', async () => {
  const tag = 'shared';
  await Promise.all([addPost(tag), addPost(tag), addPost(tag)]);
  const recounter = createTagRecounter({ posts, tagCounts, clockMarginMs: 0 });
  const watch = watchCommands(connection);
  const enqueuedAt = Date.now() - 1;
  await Promise.all(Array.from({ length: 10 }, () => recounter.recount(tag, enqueuedAt)));
  watch.stop();
  // One recount: count, write, count again.
  expect(watch.commands.filter((name) => name === 'aggregate')).toHaveLength(2);
  expect(await countOf(tag)).toBe(3);
  // An event written before the last recount started is covered by it: nothing more to count.
  const again = watchCommands(connection);
  await recounter.recount(tag, enqueuedAt);
  again.stop();
  expect(again.commands).toEqual([]);
});

it('recounts again for an event written after the running recount started', async () => {
  const tag = 'moving';
  await addPost(tag);
  const recounter = createTagRecounter({ posts, tagCounts, minIntervalMs: 10, clockMarginMs: 0 });
  const first = recounter.recount(tag, Date.now() - 1);
  await addPost(tag);
  const second = recounter.recount(tag, Date.now());
  await Promise.all([first, second]);
  expect(await countOf(tag)).toBe(2);
});

it('refuses a negative interval', () => {
  expect(() => createTagRecounter({ posts, tagCounts, minIntervalMs: -1 })).toThrow(/minIntervalMs must be 0 or more, got -1/);
});
