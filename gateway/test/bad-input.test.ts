import { SignJWT } from 'jose';
import { TEST_SECRETS } from '@supergraph/testing';
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
      name: 'too many tokens',
      body: json({ query: `{ ${Array.from({ length: 3_100 }, () => '__typename').join(' ')} }` }),
      status: 400,
      code: 'GRAPHQL_PARSE_FAILED',
    },
    { name: 'a deep query', body: json({ query: nest(8) }), status: 400, code: 'GRAPHQL_VALIDATION_FAILED' },
    {
      name: 'an alias bomb',
      body: json({ query: `{ ${Array.from({ length: 50 }, (_, i) => `a${i}: me { id }`).join(' ')} }` }),
      status: 400,
      code: 'GRAPHQL_VALIDATION_FAILED',
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
