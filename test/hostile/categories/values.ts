import * as fc from 'fast-check';
import type { CampaignFixtures } from '../fixtures';
import { post, type Category, type HostileRequest } from '../hostile-request';

/**
 * Hostile input values: variables of the wrong type or missing, and object-shaped IDs (`{"$gt": ""}`), malformed
 * ids and forged cursors where the subgraphs query MongoDB.
 */

type Arbitraries = Partial<Record<Category, fc.Arbitrary<HostileRequest>>>;

const refused = { refused: true } as const;
type VariableType = 'Int!' | 'Int' | 'ID!' | 'String!' | 'CreatePostInput!';
/** Whether GraphQL's own input coercion accepts `value` for a variable of `type` (then it is not a wrong value). */
function acceptedAs(type: VariableType, value: unknown): boolean {
  if (value === null) return !type.endsWith('!');
  if (type.startsWith('Int'))
    return typeof value === 'number' && Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31;
  if (type === 'ID!') return typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value));
  if (type === 'String!') return typeof value === 'string';
  return false;
}
const WRONG_VALUES: readonly unknown[] = [
  'abc',
  '1',
  1.5,
  true,
  null,
  [],
  {},
  [1, 2],
  { $gt: '' },
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 53 + 1,
  'NaN',
  'Infinity',
  -0.0000001,
];

function wrongVariables(f: CampaignFixtures): fc.Arbitrary<HostileRequest> {
  const operations: Array<{ query: string; variable: string; type: VariableType; needsToken?: boolean }> = [
    { query: 'query($n: Int!) { feed(first: $n) { id } }', variable: 'n', type: 'Int!' },
    { query: 'query($n: Int) { trendingTags(limit: $n) { tag } }', variable: 'n', type: 'Int' },
    { query: 'query($id: ID!) { post(id: $id) { id } }', variable: 'id', type: 'ID!' },
    { query: 'query($t: String!, $n: Int) { postsByTag(tag: $t, first: $n) { id } }', variable: 't', type: 'String!' },
    {
      query: 'mutation($p: ID!, $q: Int!) { addToCart(productId: $p, quantity: $q) { itemCount } }',
      variable: 'q',
      type: 'Int!',
      needsToken: true,
    },
    {
      query: 'mutation($i: CreatePostInput!) { createPost(input: $i) { id } }',
      variable: 'i',
      type: 'CreatePostInput!',
      needsToken: true,
    },
    { query: 'mutation($k: String!) { checkout(idempotencyKey: $k) { id } }', variable: 'k', type: 'String!', needsToken: true },
  ];
  const withToken = (needsToken: boolean | undefined) => (needsToken ? { authorization: `Bearer ${f.tokens.valid}` } : undefined);
  const operation = fc.constantFrom(...operations);
  const extraLong = fc.integer({ min: 10_000, max: 95_000 }).map((length) => 'x'.repeat(length));
  return fc.oneof(
    fc.tuple(operation, fc.constantFrom(...WRONG_VALUES)).map(([op, value]) =>
      post(
        'wrong-variables',
        `$${op.variable} = ${JSON.stringify(value)}`,
        { query: op.query, variables: { p: f.productIds[0], [op.variable]: value } },
        {
          expect: acceptedAs(op.type, value) ? {} : refused,
          headers: withToken(op.needsToken) ?? {},
        },
      ),
    ),
    fc
      .tuple(
        operation,
        fc.constantFrom<'{}' | 'absent' | 'null' | 'string' | 'array' | 'number'>(
          '{}',
          'absent',
          'null',
          'string',
          'array',
          'number',
        ),
      )
      .map(([op, how]) => {
        const variables = { '{}': {}, absent: undefined, null: null, string: `{"${op.variable}":1}`, array: [1], number: 5 }[how];
        // Variables that are not an object are wrong whatever the operation; a missing nullable one is fine.
        const wrong = op.type.endsWith('!') || ['string', 'array', 'number'].includes(how);
        return post(
          'wrong-variables',
          `$${op.variable} missing (variables ${how})`,
          { query: op.query, ...(how === 'absent' ? {} : { variables }) },
          {
            expect: wrong ? refused : {},
            headers: withToken(op.needsToken) ?? {},
          },
        );
      }),
    fc
      .constantFrom(
        { title: 5, body: 'x' },
        { title: null, body: 'x' },
        { body: 'x' },
        { title: 'x', body: 'x', tags: 'one' },
        { title: 'x', body: 'x', tags: [1, 2] },
        { title: 'x', body: 'x', authorId: 'someone' },
        { title: 'x', body: 'x', tags: Array.from({ length: 500 }, (_, i) => `t${i}`) },
      )
      .map((input) =>
        post(
          'wrong-variables',
          `CreatePostInput ${JSON.stringify(input).slice(0, 40)}`,
          {
            query: 'mutation($i: CreatePostInput!) { createPost(input: $i) { id } }',
            variables: { i: input },
          },
          { headers: { authorization: `Bearer ${f.tokens.valid}` } },
        ),
      ),
    fc
      .constantFrom(
        'query { feed(first: $n) { id } }',
        'query($n: Nope) { feed(first: $n) { id } }',
        'query($n: Int = "x") { feed(first: $n) { id } }',
        'query($n: Int, $n: Int) { feed(first: $n) { id } }',
        'query($n: [Int!]!) { feed(first: $n) { id } }',
        'query($n: Post) { feed(first: 1) { id } }',
      )
      .map((query) =>
        post('wrong-variables', `bad declaration: ${query.slice(0, 40)}`, { query, variables: { n: 1 } }, { expect: refused }),
      ),
    extraLong.map((value) =>
      post('wrong-variables', `${value.length}-character variable`, {
        query: 'query($t: String!) { postsByTag(tag: $t) { id } }',
        variables: { t: value },
      }),
    ),
    fc.constant<HostileRequest>({
      ...post('wrong-variables', 'number beyond float range', {}, { expect: refused }),
      body: '{"query":"query($n: Int!) { feed(first: $n) { id } }","variables":{"n":1e999}}',
    }),
  );
}

function objectIds(f: CampaignFixtures): fc.Arbitrary<HostileRequest> {
  const injections: readonly unknown[] = [
    { $gt: '' },
    { $ne: null },
    { $where: 'sleep(1000)' },
    { $regex: '.*' },
    { $in: [] },
    ['a', 'b'],
    { _bsontype: 'ObjectId', id: 'x' },
    { toString: 'x' },
  ];
  const malformed = [
    '',
    'zzz',
    '0'.repeat(24),
    'f'.repeat(24),
    '0'.repeat(23),
    'x'.repeat(5_000),
    '../../etc/passwd',
    '{"$gt":""}',
    '$where',
    'a\u0000b',
    '-1',
    '1e9',
    ' ',
  ];
  const auth = { authorization: `Bearer ${f.tokens.valid}` };
  const slots: Array<{ query: string; variable: string; headers?: Record<string, string> }> = [
    { query: 'query($v: ID!) { post(id: $v) { id title } }', variable: 'v' },
    { query: 'query($v: ID!) { product(id: $v) { id name } }', variable: 'v' },
    { query: 'query($v: ID!) { user(id: $v) { id name } }', variable: 'v' },
    { query: 'query($v: String) { feed(first: 2, after: $v) { id } }', variable: 'v' },
    { query: 'query($v: ID) { products(first: 2, after: $v) { id } }', variable: 'v' },
    { query: 'query($v: String!) { postsByTag(tag: $v) { id } }', variable: 'v' },
    { query: 'mutation($v: ID!) { addToCart(productId: $v, quantity: 1) { itemCount } }', variable: 'v', headers: auth },
    { query: 'mutation($v: ID!) { removeFromCart(productId: $v) { itemCount } }', variable: 'v', headers: auth },
    { query: 'mutation($v: ID!) { deletePost(id: $v) }', variable: 'v', headers: auth },
    { query: 'mutation($v: ID!) { updatePost(id: $v, input: { title: "t" }) { id } }', variable: 'v', headers: auth },
    { query: 'mutation($v: String!) { requestPasswordReset(email: $v) }', variable: 'v' },
    { query: 'mutation($v: String!) { verifyEmail(token: $v) { id } }', variable: 'v' },
  ];
  const slot = fc.constantFrom(...slots);
  const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return fc.oneof(
    fc
      .tuple(slot, fc.constantFrom(...injections))
      .map(([s, value]) =>
        post(
          'object-id',
          `${JSON.stringify(value).slice(0, 30)} into ${s.query.split('{')[1]!.trim().split('(')[0]}`,
          { query: s.query, variables: { [s.variable]: value } },
          { expect: refused, headers: s.headers ?? {} },
        ),
      ),
    fc
      .tuple(slot, fc.constantFrom(...malformed))
      .map(([s, value]) =>
        post(
          'object-id',
          `malformed id ${JSON.stringify(value).slice(0, 20)} into ${s.query.split('{')[1]!.trim().split('(')[0]}`,
          { query: s.query, variables: { [s.variable]: value } },
          { headers: s.headers ?? {} },
        ),
      ),
    fc
      .constantFrom<unknown>({ $gt: '' }, { createdAt: { $gt: 0 } }, 'garbage', [1, 2, 3], { t: 'x', id: { $ne: null } }, null)
      .map((value) =>
        post('object-id', `forged cursor ${JSON.stringify(value).slice(0, 30)}`, {
          query: 'query($v: String) { feed(first: 2, after: $v) { id } }',
          variables: { v: cursor(value) },
        }),
      ),
    fc.base64String({ minLength: 4, maxLength: 200 }).map((value) =>
      post('object-id', 'random base64 cursor', {
        query: 'query($v: String) { feed(first: 2, after: $v) { id } }',
        variables: { v: value },
      }),
    ),
    fc
      .constantFrom('post(id: 5)', 'post(id: {gt: ""})', 'product(id: ["a"])', 'user(id: null)', 'post(id: 1.5)')
      .map((field) =>
        post(
          'object-id',
          `inline literal ${field}`,
          { query: `{ ${field} { id } }` },
          field === 'post(id: 5)' ? {} : { expect: refused },
        ),
      ),
  );
}

/** The arbitraries of wrong-variables, object-id. */
export function valueArbitraries(f: CampaignFixtures): Arbitraries {
  return { 'wrong-variables': wrongVariables(f), 'object-id': objectIds(f) };
}
