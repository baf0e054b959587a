import { SignJWT } from 'jose';
import { signIdentity } from '@supergraph/identity';
import { errorCodes, graphql, TEST_SECRETS } from '@supergraph/testing';
import { startTestStack, type TestStack } from '../../test/support/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.stop());

async function signUp(name: string) {
  const email = `${name.toLowerCase()}${Date.now()}@example.com`;
  const result = await stack.query<{ register: { accessToken: string; user: { id: string } } }>(
    `mutation($input: RegisterInput!) { register(input: $input) { accessToken user { id } } }`,
    { variables: { input: { email, password: 'correct horse 42', name } } },
  );
  return result.data!.register;
}

describe('a federated query', () => {
  it('joins auth and posts: me.posts and Post.author', async () => {
    const { accessToken, user } = await signUp('Grace');
    const created = await stack.query<{ createPost: { id: string } }>(
      `mutation { createPost(input: { title: "Hello", body: "First post", tags: ["intro"] }) { id } }`,
      { token: accessToken },
    );
    const post = created.data!.createPost;

    const mine = await stack.query(`{ me { name posts(first: 5) { title tags author { id name } } } }`, { token: accessToken });
    expect(mine.errors).toBeUndefined();
    expect(mine.data).toEqual({
      me: { name: 'Grace', posts: [{ title: 'Hello', tags: ['intro'], author: { id: user.id, name: 'Grace' } }] },
    });

    const byId = await stack.query(`query($id: ID!) { post(id: $id) { title author { name } } }`, { variables: { id: post.id } });
    expect(byId.data).toEqual({ post: { title: 'Hello', author: { name: 'Grace' } } });
  });

  it('refuses a page size over the cap with BAD_USER_INPUT', async () => {
    const { accessToken } = await signUp('Linus');
    const result = await stack.query(`{ me { posts(first: 500) { title } } }`, { token: accessToken });
    expect(errorCodes(result)).toContain('BAD_USER_INPUT');
  });
});

describe('identity between the gateway and subgraphs', () => {
  const me = '{ me { id } }';

  it('a subgraph refuses a request without the identity header (no way around the gateway)', async () => {
    const result = await graphql(stack.subgraphUrls.cart, '{ product(id: "x") { id } }');
    expect(result.status).toBe(401);
    expect(errorCodes(result)).toEqual(['UNAUTHENTICATED']);
  });

  it('a subgraph refuses a forged identity header', async () => {
    const forged = await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('0123456789abcdef01234567')
      .setIssuer('supergraph-gateway')
      .setAudience('supergraph-subgraphs')
      .setExpirationTime('1m')
      .sign(new TextEncoder().encode('not-the-identity-secret-0123456789abcdef'));
    const result = await graphql(stack.subgraphUrls.auth, me, { headers: { 'x-supergraph-identity': forged } });
    expect(result.status).toBe(401);
    expect(errorCodes(result)).toEqual(['UNAUTHENTICATED']);
  });

  it('a subgraph refuses an expired identity header', async () => {
    const expired = await new SignJWT({ roles: [] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('0123456789abcdef01234567')
      .setIssuer('supergraph-gateway')
      .setAudience('supergraph-subgraphs')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 5)
      .sign(new TextEncoder().encode(TEST_SECRETS.IDENTITY_SECRET));
    const result = await graphql(stack.subgraphUrls.auth, me, { headers: { 'x-supergraph-identity': expired } });
    expect(result.status).toBe(401);
    expect(result.errors?.[0]?.message).toBe('The identity header has expired.');
  });

  it('a subgraph refuses an access token passed off as an identity header', async () => {
    const { accessToken } = await signUp('Mallory');
    const result = await graphql(stack.subgraphUrls.auth, me, { headers: { 'x-supergraph-identity': accessToken } });
    expect(result.status).toBe(401);
  });

  it('a subgraph trusts a header the gateway signed', async () => {
    const { user } = await signUp('Alan');
    const header = await signIdentity(
      { userId: user.id, email: null, roles: ['user'], clientIp: '127.0.0.1' },
      TEST_SECRETS.IDENTITY_SECRET,
      30,
    );
    const result = await graphql(stack.subgraphUrls.auth, me, { headers: { 'x-supergraph-identity': header } });
    expect(result.data).toEqual({ me: { id: user.id } });
  });
});

describe('the gateway edge', () => {
  it('echoes a well-formed request id and makes one up otherwise', async () => {
    const given = await stack.query('{ me { id } }', { headers: { 'x-request-id': 'trace-abc.123' } });
    expect(given.headers.get('x-request-id')).toBe('trace-abc.123');
    const made = await stack.query('{ me { id } }', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers malformed bodies with 400 and a code', async () => {
    const notJson = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": "{ me { id } }"',
    });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_REQUEST' } }] });
    const noQuery = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"variables":{}}',
    });
    expect(noQuery.status).toBe(400);
    const parseError = await stack.query('{ me { id ');
    expect(parseError.status).toBe(400);
    expect(errorCodes(parseError)).toEqual(['GRAPHQL_PARSE_FAILED']);
  });

  it('serves the Apollo Sandbox landing page in development', async () => {
    const page = await fetch(stack.gatewayUrl, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('embeddable-sandbox');
  });

  it('answers introspection in development', async () => {
    const result = await stack.query('{ __schema { queryType { name } } }');
    expect(result.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });
});
