import { startTestStack, type StackWatch, type TestStack } from '../support/stack';
import { signUp, type SignedUpUser } from '../support/users';

/**
 * Redis is a cache for reads: with it stopped, queries answer from MongoDB (and writes still
 * show at once); once it is back, reads are served from it again.
 */
let stack: TestStack;
let watch: StackWatch;
let author: SignedUpUser;

const READ = `query($id: ID!) { feed(first: 10) { title } user(id: $id) { name posts(first: 5) { title } } }`;
const read = () =>
  stack.query<{ feed: Array<{ title: string }>; user: { name: string; posts: Array<{ title: string }> } }>(READ, {
    variables: { id: author.userId },
  });
const create = (title: string) =>
  stack.query(`mutation($t: String!) { createPost(input: { title: $t, body: "b" }) { id } }`, {
    token: author.token,
    variables: { t: title },
  });
const sent = () => watch.auth.length + watch.posts.length;

beforeAll(async () => {
  stack = await startTestStack({}, { ownRedis: true });
  author = await signUp(stack, 'Resilient');
  watch = stack.watch();
});
afterAll(async () => {
  watch.stop();
  await stack.stop();
});

it('answers from MongoDB while Redis is down, and caches again once it is back', async () => {
  await create('before the outage');
  await read();
  watch.reset();
  expect((await read()).data!.feed[0]!.title).toBe('before the outage');
  expect(sent()).toBe(0); // served from the cache

  await stack.redis!.stop();
  const during = await read();
  expect(during.errors).toBeUndefined();
  expect(during.data!.user).toEqual({ name: 'Resilient', posts: [{ title: 'before the outage' }] });

  // A write while Redis is down shows at once, and is not hidden by the cache afterwards.
  expect((await create('during the outage')).errors).toBeUndefined();
  expect((await read()).data!.feed[0]!.title).toBe('during the outage');

  await stack.redis!.start();
  let cachedAgain = false;
  for (let attempt = 0; attempt < 50 && !cachedAgain; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const warming = await read();
    expect(warming.data!.feed[0]!.title).toBe('during the outage');
    watch.reset();
    const again = await read();
    expect(again.data!.feed.map((post) => post.title)).toEqual(['during the outage', 'before the outage']);
    cachedAgain = sent() === 0;
  }
  expect(cachedAgain).toBe(true);
});
