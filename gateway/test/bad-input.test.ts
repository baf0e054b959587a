import { SignJWT } from 'jose';
import { createHash } from 'node:crypto';
import { eventually, TEST_SECRETS } from '@supergraph/testing';
import { startTestStack, type TestStack } from '../../test/support/stack';
import { signUp } from '../../test/support/users';

/**
 * Hostile and broken requests: each gets a clear error with a stable code and the right HTTP
 * status; none gets a 500, a stack trace, or takes a process down.
 */
let stack: TestStack;
let token: string;
beforeAll(async () => {
  stack = await startTestStack();
  token = (await signUp(stack, 'Target')).token;
});
afterAll(() => stack.stop());

interface Case {
  name: string;
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
  status: number;
  code: string;
}

const json = (value: unknown) => JSON.stringify(value);
const post = async (body: unknown) => {
  const response = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: json(body),
  });
  const parsed = (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
  return { status: response.status, codes: (parsed.errors ?? []).map((error) => error.extensions?.code) };
};
const nest = (levels: number) => `{ me { ${'posts { author { '.repeat(levels)}name${' } }'.repeat(levels)} } }`;
const sign = (claims: Record<string, unknown>, expiresIn: string) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer('supergraph')
    .setAudience('supergraph')
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(TEST_SECRETS.JWT_SECRET));
const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function cases(): Promise<Case[]> {
  return [
    { name: 'malformed JSON', body: '{"query": "{ me { id } }"', status: 400, code: 'BAD_REQUEST' },
    {
      name: 'a JSON array (batched operations)',
      body: json([{ query: '{ me { id } }' }, { query: '{ me { id } }' }]),
      status: 400,
      code: 'BAD_REQUEST',
    },
    { name: 'a body with no query', body: json({ variables: {} }), status: 400, code: 'BAD_REQUEST' },
    {
      name: 'a text/plain body (not GraphQL, and a CSRF shape)',
      body: 'query { me { id } }',
      contentType: 'text/plain',
      status: 400,
      code: 'BAD_REQUEST',
    },
    { name: 'a query that does not parse', body: json({ query: '{ me { id ' }), status: 400, code: 'GRAPHQL_PARSE_FAILED' },
    {
      name: 'a document over the size limit',
      body: json({ query: `{ me { id } } #${'x'.repeat(200_000)}` }),
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    },
    {
      name: 'a document over its byte limit, padded with a comment',
      body: json({ query: `{ me { id } } #${'x'.repeat(20_000)}` }),
      status: 400,
      code: 'OPERATION_LIMIT_EXCEEDED',
    },
    {
      name: 'too many tokens',
      body: json({ query: `{ ${Array.from({ length: 3_100 }, () => '__typename').join(' ')} }` }),
      status: 400,
      code: 'OPERATION_LIMIT_EXCEEDED',
    },
    { name: 'a deep query', body: json({ query: nest(8) }), status: 400, code: 'OPERATION_LIMIT_EXCEEDED' },
    {
      name: 'an alias bomb',
      body: json({ query: `{ ${Array.from({ length: 50 }, (_, i) => `a${i}: me { id }`).join(' ')} }` }),
      status: 400,
      code: 'OPERATION_LIMIT_EXCEEDED',
    },
    {
      name: 'a fragment bomb (each level spreads the one below twice)',
      body: json({
        query: `{ me { ...F0 } } ${Array.from({ length: 14 }, (_, i) => `fragment F${i} on User { ...F${i + 1} ...F${i + 1} }`).join(' ')} fragment F14 on User { name }`,
      }),
      status: 400,
      code: 'OPERATION_LIMIT_EXCEEDED',
    },
    {
      name: 'a field flood (one field repeated: quadratic for overlap validation)',
      body: json({ query: `{ me { ${'name '.repeat(1_500)} } }` }),
      status: 400,
      code: 'OPERATION_LIMIT_EXCEEDED',
    },
    {
      name: 'a field repeated with a selection (overlap validation grows with each pair)',
      body: json({ query: `{ feed { ${'author { name } '.repeat(300)} } }` }),
      status: 400,
      code: 'OPERATION_LIMIT_EXCEEDED',
    },
    {
      name: 'an argument nested 1,400 lists deep',
      body: json({ query: `{ feed(first: ${'['.repeat(1_400)}1${']'.repeat(1_400)}) { id } }` }),
      status: 400,
      code: 'OPERATION_LIMIT_EXCEEDED',
    },
    {
      name: 'inline fragments nested 500 deep',
      body: json({ query: `{ ${'... on Query { '.repeat(500)}__typename${' }'.repeat(500)} }` }),
      status: 400,
      code: 'OPERATION_LIMIT_EXCEEDED',
    },
    {
      name: 'a directive flood',
      body: json({ query: `{ me { name ${'@include(if: true) '.repeat(30)} } }` }),
      status: 400,
      code: 'OPERATION_LIMIT_EXCEEDED',
    },
    {
      name: 'a variable of the wrong type',
      body: json({ query: 'query($n: Int!) { feed(first: $n) { id } }', variables: { n: 'abc' } }),
      status: 400,
      code: 'BAD_USER_INPUT',
    },
    {
      name: 'a missing required variable',
      body: json({ query: 'query($n: Int!) { feed(first: $n) { id } }' }),
      status: 400,
      code: 'BAD_USER_INPUT',
    },
    {
      name: 'an object where an ID goes',
      body: json({ query: 'query($id: ID!) { post(id: $id) { id } }', variables: { id: { $gt: '' } } }),
      status: 400,
      code: 'BAD_USER_INPUT',
    },
    {
      name: 'a login input with a field the schema does not have',
      body: json({
        query: 'mutation($input: LoginInput!) { login(input: $input) { accessToken } }',
        variables: { input: { email: 'a@example.com', password: 'canary-password-1', rememberMe: true } },
      }),
      status: 400,
      code: 'BAD_USER_INPUT',
    },
    {
      name: 'an operationName that names no operation',
      body: json({ query: 'query A { me { id } }', operationName: 'B' }),
      status: 400,
      code: 'OPERATION_RESOLUTION_FAILURE',
    },
    { name: 'a subscription', body: json({ query: 'subscription { me { id } }' }), status: 400, code: 'OPERATION_NOT_SUPPORTED' },
    {
      name: 'a persisted query of an unsupported version',
      body: json({ extensions: { persistedQuery: { version: 2, sha256Hash: 'a'.repeat(64) } } }),
      status: 400,
      code: 'PERSISTED_QUERY_NOT_SUPPORTED',
    },
    {
      name: 'a persisted query whose hash is not the query',
      body: json({ query: '{ me { id } }', extensions: { persistedQuery: { version: 1, sha256Hash: 'b'.repeat(64) } } }),
      status: 400,
      code: 'PERSISTED_QUERY_HASH_MISMATCH',
    },
    {
      name: 'too many root fields',
      body: json({ query: `{ ${Array.from({ length: 12 }, (_, i) => `p${i}: product(id: "x") { id }`).join(' ')} }` }),
      status: 400,
      code: 'OPERATION_LIMIT_EXCEEDED',
    },
    {
      name: 'a costly query (lists multiply)',
      body: json({
        query: '{ feed(first: 100) { author { posts(first: 100) { title author { posts(first: 100) { title } } } } } }',
      }),
      status: 400,
      code: 'OPERATION_LIMIT_EXCEEDED',
    },
    {
      name: 'an unknown persisted query hash',
      body: json({ extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }),
      status: 200,
      code: 'PERSISTED_QUERY_NOT_FOUND',
    },
    {
      name: 'a tampered token',
      body: json({ query: '{ me { id } }' }),
      headers: { authorization: `Bearer ${token.slice(0, -4)}AAAA` },
      status: 401,
      code: 'UNAUTHENTICATED',
    },
    {
      name: 'an expired token',
      body: json({ query: '{ me { id } }' }),
      headers: { authorization: `Bearer ${await sign({ sub: '0123456789abcdef01234567' }, '-1m')}` },
      status: 401,
      code: 'UNAUTHENTICATED',
    },
    {
      name: 'an alg:none token',
      body: json({ query: '{ me { id } }' }),
      headers: {
        authorization: `Bearer ${part({ alg: 'none' })}.${part({ sub: '0123456789abcdef01234567', iss: 'supergraph', aud: 'supergraph', exp: 4102444800 })}.`,
      },
      status: 401,
      code: 'UNAUTHENTICATED',
    },
    {
      name: 'garbage in Authorization',
      body: json({ query: '{ me { id } }' }),
      headers: { authorization: 'Bearer not.a.jwt%%' },
      status: 401,
      code: 'UNAUTHENTICATED',
    },
  ];
}

it.each([0])(
  'every bad request gets its code and status, never a 500 or a stack trace',
  async () => {
    for (const item of await cases()) {
      const response = await fetch(stack.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': item.contentType ?? 'application/json', ...item.headers },
        body: item.body ?? null,
      }).catch((error: unknown) => error);
      if (!(response instanceof Response)) throw new Error(`${item.name}: no response (${String(response)})`);
      const text = await response.text();
      const codes = (JSON.parse(text) as { errors?: Array<{ extensions?: { code?: string } }> }).errors?.map(
        (error) => error.extensions?.code,
      );
      expect({ case: item.name, status: response.status, code: codes?.[0] }).toEqual({
        case: item.name,
        status: item.status,
        code: item.code,
      });
      expect(text).not.toMatch(/stacktrace|\n\s+at |node_modules/);
    }
    // After all of it the gateway still answers normally.
    expect((await stack.query('{ me { name } }', { token })).data).toEqual({ me: { name: 'Target' } });
  },
  30_000,
);

it('a subgraph refuses a forged identity header (direct call)', async () => {
  const response = await fetch(stack.subgraphUrls.cart, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-supergraph-identity': `${part({ alg: 'HS256' })}.${part({ sub: 'x' })}.forged`,
    },
    body: json({ query: '{ product(id: "x") { id } }' }),
  });
  expect(response.status).toBe(401);
  expect(((await response.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code).toBe(
    'UNAUTHENTICATED',
  );
});

it('a persisted query is stored only once it passed validation and every limit', async () => {
  const refused = [
    '{ feed(first: 100) { author { posts(first: 100) { title author { posts(first: 100) { title } } } } } }', // cost
    `{ me { id } } ${'#'.repeat(9_000)} ${'#'.repeat(9_000)}`, // bytes, comments included
    '{ me { nosuchfield } }', // validation
    'query($n: Int!) { feed(first: $n) { id } }', // its variable is missing
  ];
  for (const query of refused) {
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const persistedQuery = { version: 1, sha256Hash };
    const register = await post({ query, extensions: { persistedQuery } });
    expect(register.status).toBe(400);
    const byHash = await post({ extensions: { persistedQuery } });
    expect(byHash.codes).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
  }
  // The control: an acceptable document is stored and then served by its hash alone.
  const query = '{ trendingTags(limit: 3) { tag } }';
  const persistedQuery = { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') };
  expect((await post({ query, extensions: { persistedQuery } })).status).toBe(200);
  // Apollo stores it without waiting for the write: look until it is there.
  await eventually(async () => expect((await post({ extensions: { persistedQuery } })).codes).toEqual([]));
});

it('ignores variables the operation does not declare, however many', async () => {
  const variables = Object.fromEntries(Array.from({ length: 7_000 }, (_, i) => [`v${i}`, i]));
  const response = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: json({ query: 'query($n: Int) { me { name } feed(first: $n) { id } }', variables: { ...variables, n: 1 } }),
  });
  expect(response.status).toBe(200);
  expect(((await response.json()) as { data: unknown }).data).toEqual({ me: { name: 'Target' }, feed: [] });
});
