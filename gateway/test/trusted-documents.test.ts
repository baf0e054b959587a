import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { startTestStack, type TestStack } from '../../test/support/stack';

/** The frontend's operations, registered by codegen's client preset, as the only ones accepted. */
const manifest = JSON.parse(
  readFileSync(path.resolve(__dirname, '../../schema/client/persisted-documents.json'), 'utf8'),
) as Record<string, string>;
const [documentId, document] = Object.entries(manifest).find(([, text]) => text.startsWith('query TrendingTags'))!;
const hash = documentId.replace('sha256:', '');

const post = async (url: string, body: unknown) => {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    body: (await response.json()) as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> },
  };
};

describe('trusted documents mode', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ TRUSTED_DOCUMENTS: 'true' });
  });
  afterAll(() => stack.stop());

  it('accepts a registered operation by documentId, by persisted-query hash, or as its exact text', async () => {
    for (const body of [
      { documentId },
      { extensions: { persistedQuery: { version: 1, sha256Hash: hash } } },
      { query: document },
    ]) {
      const result = await post(stack.gatewayUrl, body);
      expect(result.status).toBe(200);
      expect(result.body).toEqual({ data: { trendingTags: [] } });
    }
  });

  it('refuses any other document with TRUSTED_DOCUMENT_REQUIRED', async () => {
    const result = await post(stack.gatewayUrl, { query: '{ trendingTags(limit: 100) { tag } }' });
    expect(result.status).toBe(400);
    expect(result.body.errors?.[0]?.extensions?.code).toBe('TRUSTED_DOCUMENT_REQUIRED');
    for (const body of [
      { documentId: `sha256:${'0'.repeat(64)}` },
      { extensions: { persistedQuery: { version: 1, sha256Hash: '0'.repeat(64) } } },
    ]) {
      const unknown = await post(stack.gatewayUrl, body);
      expect({ status: unknown.status, code: unknown.body.errors?.[0]?.extensions?.code }).toEqual({
        status: 400,
        code: 'TRUSTED_DOCUMENT_REQUIRED',
      });
    }
  });

  it('stores nothing: a registered operation sent with its hash leaves no persisted query in Redis', async () => {
    const redis = new Redis(stack.gatewayEnv.REDIS_URL as string);
    try {
      const sent = { query: document, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } };
      expect((await post(stack.gatewayUrl, sent)).status).toBe(200);
      expect(await redis.keys(`${stack.gatewayEnv.REDIS_KEY_PREFIX}*`)).not.toContainEqual(expect.stringContaining('apq'));
    } finally {
      redis.disconnect();
    }
  });
});

describe('without trusted documents mode', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack.stop());

  it('accepts ad-hoc operations, and registered ones by id', async () => {
    expect((await post(stack.gatewayUrl, { query: '{ trendingTags(limit: 100) { tag } }' })).status).toBe(200);
    expect((await post(stack.gatewayUrl, { documentId })).body).toEqual({ data: { trendingTags: [] } });
  });
});
