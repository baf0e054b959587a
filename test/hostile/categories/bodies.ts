import * as fc from 'fast-check';
import type { CampaignFixtures } from '../fixtures';
import { get, post, type Category, type HostileRequest } from '../hostile-request';

/**
 * Broken bodies: malformed JSON and odd shapes, content types (CSRF-shaped ones too), and strings and bytes
 * no valid client sends (NUL, invalid UTF-8, lone surrogates).
 */

type Arbitraries = Partial<Record<Category, fc.Arbitrary<HostileRequest>>>;

const FEED = '{ feed(first: 2) { id title } }';
const VALID_BODY = JSON.stringify({ query: 'query($n: Int) { feed(first: $n) { id } }', variables: { n: 2 } });

function malformedJson(): fc.Arbitrary<HostileRequest> {
  const bodyOf = (label: string, body: string | Uint8Array, refused = true): HostileRequest => ({
    category: 'malformed-json',
    label,
    target: 'gateway',
    method: 'POST',
    path: '/graphql',
    headers: { 'content-type': 'application/json' },
    body,
    expect: refused ? { refused: true } : {},
  });
  const shapes = [
    '[]',
    '1',
    '"query"',
    'null',
    'true',
    '{}',
    '{"query":5}',
    '{"query":null}',
    '{"query":{}}',
    '{"query":["{ __typename }"]}',
    '{"query":"{ __typename }","variables":"{\\"a\\":1}"}',
    '{"query":"{ __typename }","variables":[1]}',
    '{"query":"{ __typename }","variables":7}',
    '{"query":"{ __typename }","extensions":"x"}',
    '{"query":"{ __typename }","extensions":{"persistedQuery":"x"}}',
    '{"query":"{ __typename }","operationName":5}',
    '{"query":"{ __typename }","operationName":{"a":1}}',
    '{"query":""}',
    '{"query":"   "}',
    '{"query":"#only a comment"}',
    '{"query":"{ __typename }"}garbage',
    '{"query":"{ __typename }"',
    '{"query":"{ __typename }\\u0000"}',
  ];
  const pollution = [
    '{"query":"{ __typename }","__proto__":{"polluted":true,"query":"mutation { clearCart { itemCount } }"}}',
    '{"query":"{ __typename }","constructor":{"prototype":{"polluted":true}}}',
    '{"query":"query($v: String) { postsByTag(tag: $v) { id } }","variables":{"__proto__":{"v":"x"}}}',
    '{"query":"{ __typename }","query":"mutation { clearCart { itemCount } }"}',
  ];
  return fc.oneof(
    fc
      .integer({ min: 0, max: VALID_BODY.length - 1 })
      .map((cut) => bodyOf(`valid body cut at byte ${cut}`, VALID_BODY.slice(0, cut))),
    fc.constantFrom(...shapes).map((body) => bodyOf(`wrong JSON shape ${body.slice(0, 40)}`, body)),
    fc.constantFrom(...pollution).map((body) => bodyOf('prototype pollution keys', body, false)),
    fc.string({ unit: 'binary', maxLength: 300 }).map((text) => bodyOf('random text as JSON', text, false)),
    fc.uint8Array({ maxLength: 300 }).map((bytes) => bodyOf('random bytes as JSON', bytes, false)),
    fc.jsonValue({ maxDepth: 6 }).map((value) => bodyOf('random JSON value', JSON.stringify(value) ?? 'null', false)),
  );
}

function contentTypes(): fc.Arbitrary<HostileRequest> {
  const body = JSON.stringify({ query: FEED });
  const refused = (label: string, contentType: string | undefined, payload: string = body): HostileRequest => ({
    category: 'content-type',
    label,
    target: 'gateway',
    method: 'POST',
    path: '/graphql',
    headers: contentType === undefined ? {} : { 'content-type': contentType },
    body: payload,
    expect: { refused: true },
  });
  const neutral = (label: string, headers: Record<string, string>): HostileRequest => ({
    category: 'content-type',
    label,
    target: 'gateway',
    method: 'POST',
    path: '/graphql',
    headers,
    body,
    expect: {},
  });
  const boundary = '----hostile';
  const multipart = `--${boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${body}\r\n--${boundary}--\r\n`;
  return fc.oneof(
    fc.constant(refused('CSRF-shaped: text/plain with a JSON body', 'text/plain')),
    fc.constant(refused('CSRF-shaped: text/plain;application/json', 'text/plain;application/json')),
    fc.constant(refused('CSRF-shaped: text/plain; charset=utf-8', 'text/plain; charset=utf-8')),
    fc.constant(refused('form-urlencoded', 'application/x-www-form-urlencoded', `query=${encodeURIComponent(FEED)}`)),
    fc.constant(refused('multipart form-data', `multipart/form-data; boundary=${boundary}`, multipart)),
    fc.constant(refused('no content-type', undefined)),
    fc.constant(refused('application/graphql with a raw document', 'application/graphql', FEED)),
    fc.constant(refused('JSON content type, GraphQL body', 'application/json', FEED)),
    fc
      .constantFrom(
        'application/json; charset=utf-16',
        'APPLICATION/JSON',
        'application/json, text/plain',
        'application/json;;;',
        'application/graphql-response+json',
        'application/jsonx',
        'application/json; boundary=x; charset="',
      )
      .map((type) => neutral(`content-type ${type}`, { 'content-type': type })),
    fc
      .constantFrom(
        'text/html',
        'application/xml',
        'application/json;q=abc',
        '*/*;q=0',
        'multipart/mixed; subscriptionSpec=1.0',
        'x'.repeat(2_000),
      )
      .map((accept) => neutral(`accept ${accept.slice(0, 40)}`, { 'content-type': 'application/json', accept })),
  );
}

function unicode(f: CampaignFixtures): fc.Arbitrary<HostileRequest> {
  const tagQuery = 'query($t: String!) { postsByTag(tag: $t, first: 5) { id } }';
  const auth = { headers: { authorization: `Bearer ${f.tokens.valid}` } };
  const strings = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.constantFrom(
      'a\u0000b',
      '\u0000',
      '\ud800',
      '\udfff\ud800',
      '\u202egnp.exe',
      '\ufeff',
      'e\u0301'.repeat(500),
      '\u{1F600}'.repeat(300),
      '\uffff',
      '\u2028\u2029',
      'Ω'.repeat(5_000),
    ),
  );
  const invalidUtf8 = [
    [0xff, 0xfe],
    [0xc0, 0xaf],
    [0xe0, 0x80, 0xaf],
    [0xed, 0xa0, 0x80],
    [0xf8, 0x88, 0x80, 0x80, 0x80],
    [0x80],
    [0xc3],
  ];
  const bytesIn = (bytes: number[], where: 'query' | 'variable') => {
    const [before, after] =
      where === 'query'
        ? ['{"query":"{ postsByTag(tag: \\"', '\\") { id } }"}']
        : [`{"query":"${tagQuery.replace(/"/g, '\\"')}","variables":{"t":"`, '"}}'];
    return new Uint8Array([...Buffer.from(before), ...bytes, ...Buffer.from(after)]);
  };
  return fc.oneof(
    strings.map((tag) => post('unicode-nul', 'odd string in a variable', { query: tagQuery, variables: { t: tag } })),
    strings.map((title) =>
      post(
        'unicode-nul',
        'odd string in a post',
        {
          query: 'mutation($i: CreatePostInput!) { createPost(input: $i) { id } }',
          variables: { i: { title, body: title || 'x', tags: [title] } },
        },
        auth,
      ),
    ),
    strings.map((name) =>
      post('unicode-nul', 'odd string in a registration', {
        query: 'mutation($i: RegisterInput!) { register(input: $i) { accessToken } }',
        variables: { i: { email: `${name}@example.com`, password: f.canaries.password, name } },
      }),
    ),
    fc.constantFrom('\u0000', '\u0001', '\u007f', '\u00a0', '\u200b', '\ufeff').map((char) =>
      post('unicode-nul', `U+${char.charCodeAt(0).toString(16).padStart(4, '0')} raw in the document`, {
        query: `{ feed(first: 1) { id${char}title } }`,
      }),
    ),
    fc
      .constantFrom('\\u0000', '\\u{1F600}', '\\uD800', '\\u{110000}', '\\x41', '\\')
      .map((escape) =>
        post('unicode-nul', `escape ${escape} in a document string`, { query: `{ postsByTag(tag: "a${escape}b") { id } }` }),
      ),
    fc.constantFrom(...invalidUtf8).chain((bytes) =>
      fc.constantFrom<'query' | 'variable'>('query', 'variable').map((where): HostileRequest => ({
        category: 'unicode-nul',
        label: `invalid UTF-8 ${bytes.map((b) => b.toString(16)).join(' ')} in the ${where}`,
        target: 'gateway',
        method: 'POST',
        path: '/graphql',
        headers: { 'content-type': 'application/json' },
        body: bytesIn(bytes, where),
        expect: {},
      })),
    ),
    fc.constant<HostileRequest>({
      category: 'unicode-nul',
      label: 'byte-order mark before the JSON',
      target: 'gateway',
      method: 'POST',
      path: '/graphql',
      headers: { 'content-type': 'application/json' },
      body: `\ufeff${JSON.stringify({ query: FEED })}`,
      expect: {},
    }),
    fc.constantFrom('%00', '%ff%fe', '%c0%af', '%ed%a0%80', '%u0000').map((encoded) => ({
      ...get('unicode-nul', `GET with ${encoded} in the query`, {}),
      path: `/graphql?query=%7B%20postsByTag(tag%3A%20%22${encoded}%22)%20%7B%20id%20%7D%20%7D`,
    })),
  );
}

/** The arbitraries of malformed-json, content-type, unicode-nul. */
export function bodyArbitraries(f: CampaignFixtures): Arbitraries {
  return { 'malformed-json': malformedJson(), 'content-type': contentTypes(), 'unicode-nul': unicode(f) };
}
