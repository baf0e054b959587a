import { createHash } from 'node:crypto';
import * as fc from 'fast-check';
import { aliasBomb, commentBloat, INTROSPECTION, REAL_FIELDS } from '../documents';
import type { CampaignFixtures } from '../fixtures';
import { get, post, type Category, type HostileRequest } from '../hostile-request';

/**
 * GraphQL-over-HTTP features turned against us: batches, persisted-query tricks, operation names that name
 * nothing, subscriptions, introspection and schema hints.
 */

type Arbitraries = Partial<Record<Category, fc.Arbitrary<HostileRequest>>>;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const FEED = '{ feed(first: 2) { id title } }';
const refused = { expect: { refused: true } } as const;

function batches(f: CampaignFixtures): fc.Arbitrary<HostileRequest> {
  const refusal = { refused: true, statuses: [400] } as const;
  return fc.oneof(
    fc.integer({ min: 2, max: 1_500 }).map((count) =>
      post(
        'batch',
        `batch of ${count} queries`,
        Array.from({ length: count }, () => ({ query: FEED })),
        { expect: refusal },
      ),
    ),
    fc.integer({ min: 2, max: 200 }).map((count) =>
      post(
        'batch',
        `batch of ${count} logins with a password`,
        Array.from({ length: count }, (_, i) => ({
          query: 'mutation($i: LoginInput!) { login(input: $i) { accessToken } }',
          variables: { i: { email: `batch-${i}@example.com`, password: f.canaries.password } },
        })),
        { expect: refusal },
      ),
    ),
    fc.constant(post('batch', 'empty batch', [], { expect: refusal })),
    fc.constant(post('batch', 'nested batch', [[{ query: FEED }], [{ query: FEED }]], { expect: refusal })),
    fc.constant(post('batch', 'batch of one', [{ query: FEED }], { expect: refusal })),
  );
}

function persistedQueries(): fc.Arbitrary<HostileRequest> {
  const query = 'query Apq { feed(first: 2) { id } }';
  const hash = sha256(query);
  const pq = (persistedQuery: unknown, withQuery = true) => ({ ...(withQuery ? { query } : {}), extensions: { persistedQuery } });
  const refused = { refused: true } as const;
  return fc.oneof(
    fc
      .constantFrom<unknown>(2, 0, -1, 1.5, '1', null, {}, [1], true)
      .map((version) =>
        post('apq', `unsupported version ${JSON.stringify(version)}`, pq({ version, sha256Hash: hash }), { expect: refused }),
      ),
    fc
      .stringMatching(/^[0-9a-f]{64}$/)
      .map((other) => post('apq', 'hash of another document', pq({ version: 1, sha256Hash: other }), { expect: refused })),
    fc
      .stringMatching(/^[0-9a-f]{64}$/)
      .map((unknown) =>
        post('apq', 'unknown hash, no query', pq({ version: 1, sha256Hash: unknown }, false), { expect: refused }),
      ),
    fc
      .constantFrom<unknown>('x', 'z'.repeat(64), hash.toUpperCase(), `${hash}00`, 'a'.repeat(10_000), 5, { $gt: '' }, null, [
        'a',
      ])
      .map((sha256Hash) =>
        post('apq', `malformed hash ${JSON.stringify(sha256Hash).slice(0, 30)}`, pq({ version: 1, sha256Hash }), {
          expect: refused,
        }),
      ),
    fc.integer({ min: 20_000, max: 99_000 }).map((bytes) => {
      // Comments are free for the token limit: a valid operation stored under its real hash, bloated.
      const bloated = commentBloat(query, bytes);
      return post('apq', `comment-bloated document (${bytes} bytes) registered`, {
        query: bloated,
        extensions: { persistedQuery: { version: 1, sha256Hash: sha256(bloated) } },
      });
    }),
    fc.integer({ min: 16, max: 120 }).map((count) => {
      const bomb = aliasBomb(count, REAL_FIELDS[0]);
      return post(
        'apq',
        `alias bomb (${count}) registered by hash`,
        { query: bomb, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(bomb) } } },
        { expect: refused },
      );
    }),
    fc
      .constantFrom<unknown>('sha256:0000', `sha256:${'0'.repeat(64)}`, 'md5:abc', { $ne: null }, 7, '')
      .map((documentId) => post('apq', `documentId ${JSON.stringify(documentId)}`, { documentId }, { expect: refused })),
  );
}

function operationNames(): fc.Arbitrary<HostileRequest> {
  const two = 'query A { feed(first: 1) { id } } query B { products(first: 1) { id } }';
  return fc.oneof(
    fc
      .string({ maxLength: 40 })
      .map((name) =>
        post(
          'operation-name',
          'operationName naming no operation',
          { query: 'query Real { feed(first: 1) { id } }', operationName: `No${name}` },
          refused,
        ),
      ),
    fc.constant(post('operation-name', 'two operations, no operationName', { query: two }, refused)),
    fc
      .constantFrom<unknown>('', 'a'.repeat(10_000), 'A B', 'a', '__proto__', 'constructor', 'toString')
      .map((operationName) =>
        post(
          'operation-name',
          `operationName ${JSON.stringify(operationName).slice(0, 30)}`,
          { query: two, operationName },
          refused,
        ),
      ),
    fc.constant(
      post(
        'operation-name',
        'anonymous and named operations together',
        { query: '{ feed(first: 1) { id } } query B { __typename }' },
        refused,
      ),
    ),
    fc.constant(
      post(
        'operation-name',
        'two operations with one name',
        { query: 'query A { __typename } query A { feed(first: 1) { id } }', operationName: 'A' },
        refused,
      ),
    ),
  );
}

function subscriptions(f: CampaignFixtures): fc.Arbitrary<HostileRequest> {
  const documents = [
    'subscription { feed { id } }',
    'subscription S { me { id } }',
    'subscription { __typename }',
    'subscription OnPost { post(id: "1") { id } }',
    'query Q { __typename } subscription S { feed(first: 1) { id } }',
  ];
  return fc.tuple(fc.constantFrom(...documents), fc.boolean(), fc.boolean()).map(([query, named, signedIn]) =>
    post(
      'subscription',
      `${query.slice(0, 30)}${signedIn ? ', signed in' : ''}`,
      { query, ...(named && query.includes('subscription S') ? { operationName: 'S' } : {}) },
      {
        expect: { refused: true },
        headers: {
          ...(signedIn ? { authorization: `Bearer ${f.tokens.valid}` } : {}),
          accept: 'multipart/mixed; subscriptionSpec=1.0, application/json',
        },
      },
    ),
  );
}

function introspection(): fc.Arbitrary<HostileRequest> {
  const production = { expect: { refused: 'production' } } as const;
  return fc.oneof(
    fc.constant(post('introspection', 'full introspection', { query: INTROSPECTION }, production)),
    fc.constant(get('introspection', 'introspection over GET', { query: INTROSPECTION }, production)),
    fc
      .constantFrom('User', 'Mutation', 'Query', 'CreateProductInput')
      .map((type) =>
        post(
          'introspection',
          `__type(name: "${type}")`,
          { query: `{ __type(name: "${type}") { name fields { name } inputFields { name } } }` },
          production,
        ),
      ),
    fc.constant(
      post(
        'introspection',
        '__schema in a fragment, aliased',
        { query: 'query { ...S } fragment S on Query { s: __schema { types { name } } }' },
        production,
      ),
    ),
    fc
      .constantFrom('fed', 'feeds', 'prodcts', 'me { cartt }', 'me { emial }', 'feed { titel }', 'user(idd: "1") { id }')
      .map((typo) =>
        post(
          'introspection',
          `typo ${typo} (no suggestions in production)`,
          { query: `{ ${typo.includes('{') ? typo : `${typo} { id }`} }` },
          refused,
        ),
      ),
    fc
      .constantFrom('{ _service { sdl } }', '{ _entities(representations: [{ __typename: "User", id: "1" }]) { __typename } }')
      .map((query) => post('introspection', `federation field ${query.slice(2, 11)}`, { query }, refused)),
  );
}

/** The arbitraries of batch, apq, operation-name, subscription, introspection. */
export function protocolArbitraries(f: CampaignFixtures): Arbitraries {
  return {
    batch: batches(f),
    apq: persistedQueries(),
    'operation-name': operationNames(),
    subscription: subscriptions(f),
    introspection: introspection(),
  };
}
