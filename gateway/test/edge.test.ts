import { createHash } from 'node:crypto';
import { errorCodes } from '@supergraph/testing';
import { addProduct } from '../../test/support/products';
import { startTestStack, type TestStack } from '../../test/support/stack';
import { signUp } from '../../test/support/users';

describe('rate limits and persisted queries shared by two gateway processes (one Redis)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ RATE_LIMIT_IP_POINTS: '6', RATE_LIMIT_USER_POINTS: '4', RATE_LIMIT_WINDOW_SECONDS: '60' });
  });
  afterAll(() => stack.stop());

  it('counts a user across replicas and answers RATE_LIMITED 429 with when to retry', async () => {
    const other = await stack.startExtraGateway();
    const { token } = await signUp(stack, 'Limited');
    const codes: unknown[] = [];
    for (let i = 0; i < 5; i += 1)
      codes.push(errorCodes(await (i % 2 ? other : stack).query('{ me { id } }', { token }))[0] ?? 'OK');
    expect(codes).toEqual(['OK', 'OK', 'OK', 'OK', 'RATE_LIMITED']);
    const limited = await other.query('{ me { id } }', { token });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('counts anonymous callers per address across replicas', async () => {
    const other = await stack.startExtraGateway();
    // The sign-up above used one of this address's 6 requests.
    const codes: unknown[] = [];
    for (let i = 0; i < 6; i += 1)
      codes.push(errorCodes(await (i % 2 ? other : stack).query('{ products(first: 1) { id } }'))[0] ?? 'OK');
    expect(codes).toEqual(['OK', 'OK', 'OK', 'OK', 'OK', 'RATE_LIMITED']);
  });
});

describe('persisted queries, GET and whole-response caching', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ RESPONSE_CACHE: 'true', CORS_ORIGINS: 'https://app.example' });
    await addProduct(stack, { name: 'Cached lamp' });
  });
  afterAll(() => stack.stop());

  const query = '{ products(first: 5) { name priceCents } }';
  const hash = createHash('sha256').update(query).digest('hex');
  const apq = (withQuery: boolean) => ({
    ...(withQuery ? { query } : {}),
    extensions: { persistedQuery: { version: 1, sha256Hash: hash } },
  });
  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  it('registers an automatic persisted query on one replica and serves it by hash on another', async () => {
    const other = await stack.startExtraGateway();
    expect(
      ((await (await post(other.url, apq(false))).json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]
        ?.extensions.code,
    ).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await post(stack.gatewayUrl, apq(true))).status).toBe(200);
    const byHash = (await (await post(other.url, apq(false))).json()) as { data: { products: Array<{ name: string }> } };
    expect(byHash.data.products.map((product) => product.name)).toContain('Cached lamp');
  });

  it('serves queries over GET with a public Cache-Control, and refuses mutations over GET', async () => {
    const url = `${stack.gatewayUrl}?query=${encodeURIComponent(query)}`;
    const response = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('max-age=30, public');
    const mutation = await fetch(`${stack.gatewayUrl}?query=${encodeURIComponent('mutation { clearCart { itemCount } }')}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(mutation.status).toBe(405);
  });

  it('answers a repeated public anonymous query from Redis, never a signed-in one', async () => {
    const watch = stack.watch();
    try {
      await post(stack.gatewayUrl, { query });
      watch.reset();
      const again = await post(stack.gatewayUrl, { query });
      expect(again.headers.get('age')).not.toBeNull();
      expect(watch.cart).toEqual([]);
      const { token } = await signUp(stack, 'Fresh');
      const signedIn = await post(stack.gatewayUrl, { query }, { authorization: `Bearer ${token}` });
      expect(signedIn.headers.get('age')).toBeNull();
    } finally {
      watch.stop();
    }
  });

  it('allows CORS for listed origins only', async () => {
    const preflight = (origin: string) =>
      fetch(stack.gatewayUrl, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
    const allowed = await preflight('https://app.example');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('in production', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ NODE_ENV: 'production' });
  });
  afterAll(() => stack.stop());

  it('turns introspection and the landing page off', async () => {
    const result = await stack.query('{ __schema { queryType { name } } }');
    expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const page = await fetch(stack.gatewayUrl, { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toContain('embeddable-sandbox');
  });
});
