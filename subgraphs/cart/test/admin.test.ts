import { errorCodes } from '@supergraph/testing';
import { userModel } from '../../auth/src/users/model';
import { startTestStack, type TestStack } from '../../../test/support/stack';
import { signUp } from '../../../test/support/users';

/** @authenticated and @requiresScopes, enforced by the subgraph on the gateway's signed identity. */
let stack: TestStack;
let admin: string;
let user: string;

beforeAll(async () => {
  stack = await startTestStack();
  const promoted = await signUp(stack, 'Admin');
  await userModel(stack.subgraphs.auth.connection).updateOne({ _id: promoted.userId }, { $set: { roles: ['user', 'admin'] } });
  const login = await stack.query<{ login: { accessToken: string } }>(
    `mutation($e: String!) { login(input: { email: $e, password: "correct horse 42" }) { accessToken } }`,
    { variables: { e: promoted.email } },
  );
  admin = login.data!.login.accessToken;
  user = (await signUp(stack, 'Customer')).token;
});
afterAll(() => stack.stop());

const CREATE = `mutation($input: CreateProductInput!) { createProduct(input: $input) { id name stock } }`;
const RESTOCK = `mutation($id: ID!, $q: Int!) { restockProduct(productId: $id, quantity: $q) { id stock } }`;
const input = { name: 'Kettle', priceCents: 3_999, currency: 'EUR', stock: 2 };

it('refuses anonymous callers (UNAUTHENTICATED) and callers without the scope (FORBIDDEN)', async () => {
  expect(errorCodes(await stack.query(CREATE, { variables: { input } }))).toEqual(['UNAUTHENTICATED']);
  expect(errorCodes(await stack.query(CREATE, { token: user, variables: { input } }))).toEqual(['FORBIDDEN']);
  expect(errorCodes(await stack.query(`mutation { clearCart { itemCount } }`))).toEqual(['UNAUTHENTICATED']);
});

it('lets an admin create a product and restock it through the stock chain', async () => {
  const created = await stack.query<{ createProduct: { id: string; stock: number } }>(CREATE, {
    token: admin,
    variables: { input },
  });
  expect(created.errors).toBeUndefined();
  const id = created.data!.createProduct.id;
  expect((await stack.query(`{ products(first: 100) { id } }`)).data).toMatchObject({
    products: expect.arrayContaining([{ id }]),
  });
  expect((await stack.query(RESTOCK, { token: admin, variables: { id, q: 5 } })).data).toEqual({
    restockProduct: { id, stock: 7 },
  });
  expect(errorCodes(await stack.query(RESTOCK, { token: user, variables: { id, q: 5 } }))).toEqual(['FORBIDDEN']);
  expect(errorCodes(await stack.query(RESTOCK, { token: admin, variables: { id, q: 0 } }))).toEqual(['BAD_USER_INPUT']);
  expect(errorCodes(await stack.query(RESTOCK, { token: admin, variables: { id: '0123456789abcdef01234567', q: 1 } }))).toEqual([
    'NOT_FOUND',
  ]);
  expect(errorCodes(await stack.query(CREATE, { token: admin, variables: { input: { ...input, currency: 'euro' } } }))).toEqual([
    'BAD_USER_INPUT',
  ]);
});
