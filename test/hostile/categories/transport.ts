import { createHash } from 'node:crypto';
import * as fc from 'fast-check';
import type { CampaignFixtures } from '../fixtures';
import { get, type Category, type HostileRequest } from '../hostile-request';

/**
 * HTTP itself: GET mutations, wrong methods and paths, and odd headers, including bytes no client library sends
 * (a NUL in a header, a broken request line), sent raw.
 */

type Arbitraries = Partial<Record<Category, fc.Arbitrary<HostileRequest>>>;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const FEED = '{ feed(first: 2) { id title } }';

function raw(category: Category, label: string, head: string, body?: Uint8Array): HostileRequest {
  return {
    category,
    label,
    target: 'gateway',
    method: 'RAW',
    path: '/graphql',
    headers: {},
    rawHead: head,
    ...(body ? { body } : {}),
    expect: {},
  };
}

function getMutations(f: CampaignFixtures): fc.Arbitrary<HostileRequest> {
  const refusal = { refused: true, statuses: [400, 405] } as const;
  const auth = { authorization: `Bearer ${f.tokens.valid}` };
  const mutations: Array<[string, Record<string, unknown>, Record<string, string>]> = [
    ['logout', { query: `mutation { logout(refreshToken: "${f.canaries.refreshToken}") }` }, {}],
    ['clearCart', { query: 'mutation { clearCart { itemCount } }' }, auth],
    [
      'addToCart',
      { query: 'mutation($p: ID!) { addToCart(productId: $p, quantity: 1) { itemCount } }', variables: { p: f.productIds[0] } },
      auth,
    ],
    ['createPost', { query: 'mutation { createPost(input: { title: "via GET", body: "x" }) { id } }' }, auth],
    [
      'register with a password',
      {
        query: 'mutation($i: RegisterInput!) { register(input: $i) { accessToken } }',
        variables: { i: { email: 'get@example.com', password: f.canaries.password, name: 'G' } },
      },
      {},
    ],
    [
      'login with a password',
      {
        query: `mutation { login(input: { email: "${f.users[0]!.email}", password: "${f.canaries.password}" }) { accessToken } }`,
      },
      {},
    ],
    [
      'mutation picked by operationName',
      { query: 'query Q { __typename } mutation M { clearCart { itemCount } }', operationName: 'M' },
      auth,
    ],
    [
      'mutation with a persisted-query hash',
      {
        query: 'mutation { clearCart { itemCount } }',
        extensions: { persistedQuery: { version: 1, sha256Hash: sha256('mutation { clearCart { itemCount } }') } },
      },
      auth,
    ],
    ['subscription over GET', { query: 'subscription { feed { id } }' }, {}],
  ];
  return fc.oneof(
    fc
      .constantFrom(...mutations)
      .map(([label, params, headers]) => get('get-mutation', `GET ${label}`, params, { headers, expect: refusal })),
    fc
      .constantFrom(...mutations)
      .map(([label, params, headers]) =>
        get('get-mutation', `GET ${label}, no preflight header`, params, { headers, preflight: false, expect: refusal }),
      ),
    fc
      .constantFrom('{not json', '[1,2]', '"x"', 'null')
      .chain((bad) =>
        fc
          .constantFrom('variables', 'extensions')
          .map((key) =>
            get(
              'get-mutation',
              `GET with ${key}=${bad}`,
              { query: 'query($n: Int) { feed(first: $n) { id } }', [key]: bad },
              { expect: { refused: true } },
            ),
          ),
      ),
    fc.constant(get('get-mutation', 'GET without a query', {}, { expect: { refused: true } })),
    fc.integer({ min: 9_000, max: 70_000 }).map((length) =>
      get('get-mutation', `GET with a ${length}-character query string`, {
        query: `{ postsByTag(tag: "${'g'.repeat(length)}") { id } }`,
      }),
    ),
  );
}

function httpMethods(): fc.Arbitrary<HostileRequest> {
  const body = JSON.stringify({ query: FEED });
  return fc.oneof(
    fc.constantFrom('PUT', 'DELETE', 'PATCH').map((method): HostileRequest => ({
      category: 'http-method',
      label: `${method} with a query`,
      target: 'gateway',
      method,
      path: '/graphql',
      headers: { 'content-type': 'application/json' },
      body,
      expect: { refused: true },
    })),
    fc.constantFrom('OPTIONS', 'HEAD', 'GET').map((method): HostileRequest => ({
      category: 'http-method',
      label: `${method} without parameters`,
      target: 'gateway',
      method,
      path: '/graphql',
      headers: {},
      expect: {},
    })),
    fc
      .constantFrom(
        '/graphql/',
        '/graphql/../admin',
        '/%2e%2e/etc/passwd',
        '/graphql%00',
        '/admin/queues',
        '/.env',
        '/graphql?',
        '//graphql',
        '/GRAPHQL',
      )
      .map((path): HostileRequest => ({
        category: 'http-method',
        label: `POST ${path}`,
        target: 'gateway',
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json' },
        body,
        expect: {},
      })),
    fc
      .constantFrom('FOO', 'GETT', 'PRI', 'M-SEARCH', 'PROPFIND')
      .map((method) =>
        raw(
          'http-method',
          `unknown method ${method}`,
          `${method} /graphql HTTP/1.1\r\nHost: localhost\r\nX-Request-Id: {{request-id}}\r\nConnection: close\r\n\r\n`,
        ),
      ),
  );
}

function headers(f: CampaignFixtures): fc.Arbitrary<HostileRequest> {
  const body = JSON.stringify({ query: FEED });
  const withHeaders = (label: string, extra: Record<string, string>): HostileRequest => ({
    category: 'header',
    label,
    target: 'gateway',
    method: 'POST',
    path: '/graphql',
    headers: { 'content-type': 'application/json', ...extra },
    body,
    expect: {},
  });
  const head = (lines: string[]) => `POST /graphql HTTP/1.1\r\n${lines.join('\r\n')}\r\nConnection: close\r\n\r\n`;
  const json = new TextEncoder().encode(body);
  const common = ['Host: localhost', 'X-Request-Id: {{request-id}}', 'Content-Type: application/json'];
  return fc.oneof(
    fc.integer({ min: 17_000, max: 80_000 }).map((size) => withHeaders(`one ${size}-byte header`, { 'x-pad': 'a'.repeat(size) })),
    fc
      .integer({ min: 200, max: 3_000 })
      .map((count) =>
        withHeaders(`${count} headers`, Object.fromEntries(Array.from({ length: count }, (_, i) => [`x-h${i}`, 'v']))),
      ),
    fc
      .constantFrom('r'.repeat(129), '../../etc/passwd', '{"$gt":""}', 'é', '', ' ')
      .map((id) => withHeaders(`odd x-request-id ${id.slice(0, 20)}`, { 'x-request-id': id })),
    fc
      .constantFrom('x'.repeat(1_000), '::::', '1.1.1.1, '.repeat(200), 'not an address', '127.0.0.1')
      .map((ip) => withHeaders(`x-forwarded-for ${ip.slice(0, 20)}`, { 'x-forwarded-for': ip })),
    fc
      .constantFrom<Record<string, string>>(
        { 'x-api-key': f.canaries.apiKey },
        { cookie: `session=${f.canaries.accessToken}; refresh=${f.canaries.refreshToken}` },
        { 'x-refresh-token': f.canaries.refreshToken },
        { 'proxy-authorization': `Bearer ${f.canaries.accessToken}` },
      )
      .map((extra) => withHeaders(`secret in header ${Object.keys(extra)[0]}`, extra)),
    fc
      .constantFrom('x-supergraph-identity', 'x-apollo-operation-name', 'apollographql-client-name', 'origin', 'host')
      .map((name) =>
        withHeaders(`spoofed ${name}`, {
          [name]: name === 'x-supergraph-identity' ? f.identityHeaders.forgedAdmin : 'https://evil.example',
        }),
      ),
    fc.constant(
      raw('header', 'NUL byte in a header value', head([...common, `Content-Length: ${json.length}`, 'X-Evil: a\u0000b']), json),
    ),
    fc.constant(
      raw('header', 'header line without a colon', head([...common, `Content-Length: ${json.length}`, 'NoColonHere']), json),
    ),
    fc.constant(
      raw(
        'header',
        'two different Content-Lengths',
        head([...common, `Content-Length: ${json.length}`, 'Content-Length: 5']),
        json,
      ),
    ),
    fc.constant(
      raw(
        'header',
        'bad chunk size',
        head([...common, 'Transfer-Encoding: chunked']),
        new TextEncoder().encode('zz\r\nabc\r\n0\r\n\r\n'),
      ),
    ),
    fc.constant(
      raw(
        'header',
        'Content-Length and chunked together',
        head([...common, 'Content-Length: 4', 'Transfer-Encoding: chunked']),
        new TextEncoder().encode('0\r\n\r\n'),
      ),
    ),
    fc.constant(
      raw(
        'header',
        'absolute-form target',
        `POST http://evil.example/graphql HTTP/1.1\r\n${common.join('\r\n')}\r\nContent-Length: ${json.length}\r\nConnection: close\r\n\r\n`,
        json,
      ),
    ),
    fc.constant(
      raw(
        'header',
        'HTTP/1.0 without Host',
        `POST /graphql HTTP/1.0\r\nContent-Type: application/json\r\nX-Request-Id: {{request-id}}\r\nContent-Length: ${json.length}\r\n\r\n`,
        json,
      ),
    ),
    fc.constant(
      raw(
        'header',
        'latin1 bytes in a header',
        head([...common, `Content-Length: ${json.length}`, 'X-Name: \u00ff\u00fe\u0080']),
        json,
      ),
    ),
  );
}

/** The arbitraries of get-mutation, http-method, header. */
export function transportArbitraries(f: CampaignFixtures): Arbitraries {
  return { 'get-mutation': getMutations(f), 'http-method': httpMethods(), header: headers(f) };
}
