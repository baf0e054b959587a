import type { SubgraphName } from '@supergraph/registry';
import { errorCodes } from '@supergraph/testing';
import { addProduct } from '../support/products';
import { startTestStack, type TestStack } from '../support/stack';
import { signUp, type SignedUpUser } from '../support/users';

/**
 * One failing subgraph, or one refused field, costs only its own field: each shape below is a
 * nullable root field or a field one subgraph adds to another's entity (docs/architecture.md,
 * "Nullability").
 */
let stack: TestStack;
let user: SignedUpUser;
let productId: string;
let postId: string;

beforeAll(async () => {
  stack = await startTestStack();
  user = await signUp(stack, 'Partial');
  productId = await addProduct(stack, { name: 'Kettle' });
  const created = await stack.query<{ createPost: { id: string } }>(
    `mutation { createPost(input: { title: "Kept", body: "b" }) { id } }`,
    { token: user.token },
  );
  postId = created.data!.createPost.id;
});
afterAll(() => stack.stop());

/** Runs `check` with one subgraph stopped, and brings it back whatever happens. */
async function withStopped(name: SubgraphName, check: () => Promise<void>): Promise<void> {
  await stack.stopSubgraph(name);
  try {
    await check();
  } finally {
    await stack.restartSubgraph(name);
  }
}

// The gateway reports a failed fetch once, for the subgraph, without a path into the answer.
const unavailable = (serviceName: string) =>
  expect.objectContaining({ extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName } });

it('Query.feed: with posts stopped, me and products still answer, feed is null with a coded error', async () => {
  await withStopped('posts', async () => {
    const result = await stack.query(`{ feed { title } me { name } products { name } }`, { token: user.token });
    expect(result.status).toBe(200);
    expect(result.data).toEqual({ feed: null, me: { name: 'Partial' }, products: expect.arrayContaining([{ name: 'Kettle' }]) });
    expect(result.errors).toEqual([unavailable('posts')]);
  });
});

it('User.cart: login asking for the cart while cart is stopped still returns the tokens', async () => {
  await withStopped('cart', async () => {
    const result = await stack.query<{ login: { accessToken: string; user: { name: string; cart: null } } }>(
      `mutation($input: LoginInput!) { login(input: $input) { accessToken refreshToken user { name cart { itemCount } } } }`,
      { variables: { input: { email: user.email, password: 'correct horse 42' } } },
    );
    expect(result.data?.login).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      user: { name: 'Partial', cart: null },
    });
    expect(result.errors).toEqual([unavailable('cart')]);
    // The token is real: it signs the user in.
    const me = await stack.query(`{ me { name } }`, { token: result.data!.login.accessToken });
    expect(me.data).toEqual({ me: { name: 'Partial' } });
  });
});

it('User.orders: with cart stopped, the rest of the user stays', async () => {
  await withStopped('cart', async () => {
    const result = await stack.query(`{ me { name orders { id } } }`, { token: user.token });
    expect(result.data).toEqual({ me: { name: 'Partial', orders: null } });
    expect(result.errors).toEqual([unavailable('cart')]);
  });
});

it('User.cart and User.orders: refused for another user, that user is still shown', async () => {
  const other = await signUp(stack, 'Other');
  const result = await stack.query(`query($id: ID!) { user(id: $id) { name cart { itemCount } orders { id } } }`, {
    token: other.token,
    variables: { id: user.userId },
  });
  expect(result.data).toEqual({ user: { name: 'Partial', cart: null, orders: null } });
  expect(errorCodes(result)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
});

it('User.posts: with posts stopped, the rest of the user stays', async () => {
  await withStopped('posts', async () => {
    const result = await stack.query(`{ me { name posts { title } } }`, { token: user.token });
    expect(result.data).toEqual({ me: { name: 'Partial', posts: null } });
    expect(errorCodes(result)).toEqual(['SUBGRAPH_UNAVAILABLE']);
  });
});

it('Post.author: with auth stopped, the post stays and only its author is null', async () => {
  await withStopped('auth', async () => {
    const result = await stack.query(`query($id: ID!) { post(id: $id) { title author { name } } }`, {
      variables: { id: postId },
    });
    expect(result.data).toEqual({ post: { title: 'Kept', author: null } });
    expect(errorCodes(result)).toEqual(['SUBGRAPH_UNAVAILABLE']);
  });
});

it('Mutation fields: a refused mutation does not hide the one before it in the same document', async () => {
  const result = await stack.query<{ added: { itemCount: number } | null; refused: null }>(
    `mutation($id: ID!) { added: addToCart(productId: $id, quantity: 2) { itemCount } refused: addToCart(productId: $id, quantity: 500) { itemCount } }`,
    { token: user.token, variables: { id: productId } },
  );
  expect(result.data).toEqual({ added: { itemCount: 2 }, refused: null });
  expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
  // What the client saw is what happened: the cart holds the first mutation's units only.
  const cart = await stack.query(`{ me { cart { itemCount } } }`, { token: user.token });
  expect(cart.data).toEqual({ me: { cart: { itemCount: 2 } } });
});
