import { createServer } from 'node:net';
import { errorCodes } from '@supergraph/testing';
import { startTestStack, type TestStack } from '../../test/support/stack';
import { signUp, type SignedUpUser } from '../../test/support/users';

/** A dead subgraph costs its part of an answer, never the whole graph, and it recovers. */
let stack: TestStack;
let user: SignedUpUser;
let postId: string;

beforeAll(async () => {
  // posts gets its own (shorter) budget; the others keep the default.
  stack = await startTestStack({
    SUBGRAPH_TIMEOUT_MS: '8000',
    SUBGRAPH_TIMEOUTS: 'posts=1500',
    BREAKER_VOLUME: '3',
    BREAKER_RESET_MS: '1000',
  });
  user = await signUp(stack, 'Partial');
  const created = await stack.query<{ createPost: { id: string } }>(
    `mutation { createPost(input: { title: "Still here", body: "b" }) { id } }`,
    { token: user.token },
  );
  postId = created.data!.createPost.id;
});
afterAll(() => stack.stop());

const QUERY = `{ me { name posts { title } } }`;
const readyz = async () =>
  (await (await fetch(stack.gatewayUrl.replace('/graphql', '/readyz'))).json()) as {
    ready: boolean;
    subgraphs: Record<string, { breaker: string; ready: boolean }>;
  };

it('answers with partial data and a coded error while a subgraph is down, opens its breaker, and recovers', async () => {
  expect((await stack.query(QUERY, { token: user.token })).data).toEqual({
    me: { name: 'Partial', posts: [{ title: 'Still here' }] },
  });

  await stack.stopSubgraph('posts');
  // Nullable fields keep a failure local (a non-null root field would null the whole answer).
  const partial = await stack.query(`query($id: ID!) { me { name } post(id: $id) { title } }`, {
    token: user.token,
    variables: { id: postId },
  });
  expect(partial.status).toBe(200);
  expect(partial.data).toEqual({ me: { name: 'Partial' }, post: null });
  expect(partial.errors?.[0]?.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'posts' });
  expect(JSON.stringify(partial.errors)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|stack/i);

  // Enough failures open the breaker: calls now fail at once, and /readyz says so.
  for (let i = 0; i < 5; i += 1) await stack.query(`{ feed { title } }`);
  const report = await readyz();
  expect(report.ready).toBe(true);
  expect(report.subgraphs.posts).toEqual({ breaker: 'open', ready: false });
  expect(report.subgraphs.auth).toEqual({ breaker: 'closed', ready: true });
  expect(errorCodes(await stack.query(`{ feed { title } }`))).toEqual(['SUBGRAPH_UNAVAILABLE']);

  await stack.restartSubgraph('posts');
  let recovered = false;
  for (let attempt = 0; attempt < 40 && !recovered; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    recovered = (await stack.query(`{ feed { title } }`)).errors === undefined;
  }
  expect(recovered).toBe(true);
  expect((await readyz()).subgraphs.posts).toEqual({ breaker: 'closed', ready: true });
}, 60_000);

it('gives up on a subgraph that accepts connections but never answers, within its timeout', async () => {
  await stack.stopSubgraph('posts');
  const sockets: Array<import('node:net').Socket> = [];
  const blackHole = createServer((socket) => sockets.push(socket)); // accepts, never answers
  await new Promise<void>((resolve) => blackHole.listen(Number(new URL(stack.subgraphUrls.posts).port), '127.0.0.1', resolve));
  try {
    const started = Date.now();
    const result = await stack.query(`query($id: ID!) { me { name } post(id: $id) { title } }`, {
      token: user.token,
      variables: { id: postId },
    });
    // posts' own budget is 1500 ms (the default here is 8000): the answer comes back soon after.
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(result.data).toEqual({ me: { name: 'Partial' }, post: null });
    expect(errorCodes(result)).toEqual(['SUBGRAPH_UNAVAILABLE']);
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => blackHole.close(resolve));
    await stack.restartSubgraph('posts');
  }
}, 30_000);
