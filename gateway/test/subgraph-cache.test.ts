import { startTestStack, type TestStack } from '../../test/support/stack';
import { signUp, type SignedUpUser } from '../../test/support/users';

/**
 * Entity caching: the gateway reuses subgraph answers the subgraph marked public, for everyone,
 * and never a private one; a mutation through any gateway replica makes the next read current.
 */
let stack: TestStack;
let alice: SignedUpUser;
let bob: SignedUpUser;
let postId: string;

const FEED = `{ feed(first: 5) { id title author { id name } } }`;
const createPost = (user: SignedUpUser, title: string) =>
  stack.query<{ createPost: { id: string } }>(`mutation($t: String!) { createPost(input: { title: $t, body: "b" }) { id } }`, {
    token: user.token,
    variables: { t: title },
  });
const feedTitles = async (query: (q: string) => ReturnType<TestStack['query']>) => {
  const answer = await query(FEED);
  expect(answer.errors).toBeUndefined();
  return (answer.data as { feed: Array<{ title: string }> }).feed.map((post) => post.title);
};

beforeAll(async () => {
  stack = await startTestStack({ SUBGRAPH_CACHE: 'true', SUBGRAPH_CACHE_MAX_SECONDS: '60' });
  alice = await signUp(stack, 'Alice');
  bob = await signUp(stack, 'Bob');
  postId = (await createPost(alice, 'First')).data!.createPost.id;
});
afterAll(() => stack.stop());

it('answers public parts from the cache while their subgraphs are down, and the max-age holds', async () => {
  const before = await stack.query(FEED, { token: bob.token });
  expect(before.errors).toBeUndefined();

  await stack.stopSubgraph('posts');
  await stack.stopSubgraph('auth');
  try {
    // Another user, another token: the cached public answers are shared, whoever asks.
    const cached = await stack.query(FEED, { token: alice.token });
    expect(cached.errors).toBeUndefined();
    expect(cached.data).toEqual(before.data);
    const maxAge = Number(/max-age=(\d+)/.exec(cached.headers.get('cache-control') ?? '')?.[1]);
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(30);
  } finally {
    await stack.restartSubgraph('posts');
    await stack.restartSubgraph('auth');
  }
});

it('never shares a private answer: each user sees only their own email', async () => {
  const query = `query($id: ID!) { me { id email } post(id: $id) { author { id email } } }`;
  const asAlice = await stack.query(query, { token: alice.token, variables: { id: postId } });
  const asBob = await stack.query(query, { token: bob.token, variables: { id: postId } });
  expect(asAlice.data).toEqual({
    me: { id: alice.userId, email: alice.email },
    post: { author: { id: alice.userId, email: alice.email } },
  });
  expect(asBob.data).toEqual({ me: { id: bob.userId, email: bob.email }, post: { author: { id: alice.userId, email: null } } });
});

it('reads its own writes: a mutation makes the next read current, on another replica too', async () => {
  const replica = await stack.startExtraGateway();
  expect(await feedTitles((q) => stack.query(q))).not.toContain('Second');
  expect(await feedTitles((q) => replica.query(q))).not.toContain('Second');

  await createPost(bob, 'Second');
  expect((await feedTitles((q) => stack.query(q)))[0]).toBe('Second');
  // The replica hears of the new generation over Redis pub/sub.
  let replicaTitles: string[] = [];
  for (let attempt = 0; attempt < 20 && replicaTitles[0] !== 'Second'; attempt++) {
    replicaTitles = await feedTitles((q) => replica.query(q));
    if (replicaTitles[0] !== 'Second') await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(replicaTitles[0]).toBe('Second');
});
