import { startTestStack, type TestStack } from '../support/stack';
import { signUp, type SignedUpUser } from '../support/users';

/** The gateway turns the subgraphs' hints into Cache-Control: public data only, never private. */
let stack: TestStack;
let user: SignedUpUser;

beforeAll(async () => {
  stack = await startTestStack();
  user = await signUp(stack, 'Cacheable');
  await stack.query(`mutation { createPost(input: { title: "Public", body: "b" }) { id } }`, { token: user.token });
});
afterAll(() => stack.stop());

const header = async (query: string, token?: string) =>
  (await stack.query(query, token ? { token } : {})).headers.get('cache-control');

it('marks an all-public answer cacheable, for the shortest hint in it', async () => {
  expect(await header('{ feed { title author { name posts { title } } } }')).toBe('max-age=30, public');
  expect(await header('{ products { name priceCents } }')).toBe('max-age=30, public');
});

it('never marks private data public', async () => {
  expect(await header('{ feed { title author { name email } } }')).toBe('no-store');
  expect(await header('{ me { name } }', user.token)).toBe('no-store');
  expect(await header('{ me { cart { itemCount } } }', user.token)).toBe('no-store');
  expect(await header(`{ me { orders { totalCents } } }`, user.token)).toBe('no-store');
});
