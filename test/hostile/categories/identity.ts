import * as fc from 'fast-check';
import type { CampaignFixtures } from '../fixtures';
import { post, type Category, type HostileRequest, type Target } from '../hostile-request';

/**
 * Who the caller claims to be: forged, expired and garbage tokens, forged identity headers sent straight to the
 * subgraphs, and sign-in input carrying canary passwords and tokens.
 */

type Arbitraries = Partial<Record<Category, fc.Arbitrary<HostileRequest>>>;

const refused = { refused: true } as const;

function tokens(f: CampaignFixtures): fc.Arbitrary<HostileRequest> {
  const refusal = { refused: true, statuses: [401] } as const;
  const query = { query: 'query { me { id email } feed(first: 1) { id } }' };
  const bad: Array<[string, string]> = [
    ['expired', `Bearer ${f.tokens.expired}`],
    ['forged', `Bearer ${f.tokens.forged}`],
    ['forged admin', `Bearer ${f.tokens.forgedAdmin}`],
    ['wrong issuer', `Bearer ${f.tokens.wrongIssuer}`],
    ['wrong audience', `Bearer ${f.tokens.wrongAudience}`],
    ['alg none', `Bearer ${f.tokens.algNone}`],
    ['no subject', `Bearer ${f.tokens.noSubject}`],
    ['canary token', `Bearer ${f.canaries.accessToken}`],
    ['refresh token as access token', `Bearer ${f.users[0]!.refreshToken}`],
    ['Bearer only', 'Bearer'],
    ['Bearer and spaces', 'Bearer    '],
    ['Basic', 'Basic dXNlcjpwYXNz'],
    ['three dots', 'Bearer a.b.c'],
    ['two tokens', `Bearer ${f.tokens.valid} ${f.tokens.valid}`],
    ['Token scheme', `Token ${f.tokens.valid}`],
    ['identity header as token', `Bearer ${f.identityHeaders.forged}`],
  ];
  return fc.oneof(
    fc
      .constantFrom(...bad)
      .map(([label, authorization]) => post('token', label, query, { headers: { authorization }, expect: refusal })),
    fc.integer({ min: 1_000, max: 15_000 }).map((length) =>
      post('token', `${length}-character token`, query, {
        headers: { authorization: `Bearer ${'x'.repeat(length)}` },
        expect: refusal,
      }),
    ),
    fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 300 }).map((garbage) =>
      post('token', 'random garbage token', query, {
        headers: { authorization: `Bearer ${garbage.replace(/\s/g, 'x')}` },
        expect: refusal,
      }),
    ),
    fc
      .constantFrom(
        'createProduct(input: { name: "x", priceCents: 1, currency: "EUR", stock: 1 }) { id }',
        'restockProduct(productId: "x", quantity: 5) { id }',
      )
      .map((field) =>
        post(
          'token',
          `admin mutation as a user: ${field.split('(')[0]}`,
          { query: `mutation { ${field} }` },
          { headers: { authorization: `Bearer ${f.tokens.valid}` }, expect: refused },
        ),
      ),
    fc.constant(
      post('token', 'lower-case bearer (valid token)', query, { headers: { authorization: `bearer ${f.tokens.valid}` } }),
    ),
  );
}

function subgraphDirect(f: CampaignFixtures): fc.Arbitrary<HostileRequest> {
  const refusal = { refused: true, statuses: [401] } as const;
  const queries: Record<Exclude<Target, 'gateway'>, string[]> = {
    auth: [
      '{ me { id email roles } }',
      '{ _service { sdl } }',
      '{ _entities(representations: [{ __typename: "User", id: "1" }]) { ... on User { email roles } } }',
      'mutation { login(input: { email: "a@b.c", password: "x" }) { accessToken } }',
    ],
    posts: ['{ feed(first: 1) { id } }', '{ _service { sdl } }', 'mutation { deletePost(id: "1") }'],
    cart: [
      '{ products(first: 1) { id } }',
      'mutation { createProduct(input: { name: "x", priceCents: 1, currency: "EUR", stock: 1 }) { id } }',
      '{ _entities(representations: [{ __typename: "User", id: "1" }]) { ... on User { cart { itemCount } } } }',
    ],
  };
  const identities: Array<[string, string | undefined]> = [
    ['no identity header', undefined],
    ['forged identity', f.identityHeaders.forged],
    ['forged admin identity', f.identityHeaders.forgedAdmin],
    ['expired identity', f.identityHeaders.expired],
    ['unsigned identity', f.identityHeaders.unsigned],
    ['garbage identity', 'garbage'],
    ['access token as identity', f.tokens.valid],
  ];
  const target = fc.constantFrom<Exclude<Target, 'gateway'>>('auth', 'posts', 'cart');
  return fc
    .tuple(target, fc.nat(), fc.constantFrom(...identities), fc.boolean())
    .map(([subgraph, pick, [label, identity], withBearer]) => {
      const list = queries[subgraph];
      const query = list[pick % list.length]!;
      return post(
        'subgraph-direct',
        `${subgraph}: ${label}${withBearer ? ' + bearer token' : ''}`,
        { query },
        {
          target: subgraph,
          expect: refusal,
          headers: {
            ...(identity ? { 'x-supergraph-identity': identity } : {}),
            ...(withBearer ? { authorization: `Bearer ${f.tokens.admin}` } : {}),
          },
        },
      );
    });
}

function authInput(f: CampaignFixtures): fc.Arbitrary<HostileRequest> {
  const { password, newPassword, refreshToken, resetToken, verifyToken } = f.canaries;
  const email = f.users[1]!.email;
  const login = 'mutation($i: LoginInput!) { login(input: $i) { accessToken } }';
  const register = 'mutation($i: RegisterInput!) { register(input: $i) { accessToken } }';
  const bad: Array<[string, string, Record<string, unknown>]> = [
    ['login with rememberMe', login, { i: { email, password, rememberMe: true } }],
    ['login with an extra role', login, { i: { email, password, roles: ['admin'] } }],
    ['login without email', login, { i: { password } }],
    ['login password as object', login, { i: { email, password: { $ne: null } } }],
    ['login email as object', login, { i: { email: { $gt: '' }, password } }],
    ['login password as array', login, { i: { email, password: [password] } }],
    ['register with an extra field', register, { i: { email: 'x@example.com', password, name: 'x', roles: ['admin'] } }],
    [
      'register password too long',
      register,
      { i: { email: 'long@example.com', password: `${password}${'a'.repeat(200)}`, name: 'x' } },
    ],
    ['register email not an email', register, { i: { email: `not-an-email-${password}`, password, name: 'x' } }],
    ['register name as object', register, { i: { email: 'o@example.com', password, name: { first: 'x' } } }],
  ];
  return fc.oneof(
    fc
      .constantFrom(...bad)
      .map(([label, query, variables]) => post('auth-input', label, { query, variables }, { expect: refused })),
    fc
      .constantFrom(
        ['refreshToken', `mutation { refreshToken(refreshToken: "${refreshToken}") { accessToken } }`],
        ['verifyEmail', `mutation { verifyEmail(token: "${verifyToken}") { id } }`],
        ['resetPassword', `mutation { resetPassword(token: "${resetToken}", newPassword: "${newPassword}") }`],
        [
          'login inline',
          `mutation { login(input: { email: "${email}", password: "${password}", rememberMe: true }) { accessToken } }`,
        ],
      )
      .map(([label, query]) =>
        post('auth-input', `${label} with canary secrets in the document`, { query }, { expect: refused }),
      ),
    fc
      .constantFrom(
        ['refreshToken', 'mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken } }', { t: refreshToken }],
        ['verifyEmail', 'mutation($t: String!) { verifyEmail(token: $t) { id } }', { t: verifyToken }],
        [
          'resetPassword',
          'mutation($t: String!, $p: String!) { resetPassword(token: $t, newPassword: $p) }',
          { t: resetToken, p: newPassword },
        ],
        [
          'resetPassword, short password',
          'mutation($t: String!, $p: String!) { resetPassword(token: $t, newPassword: $p) }',
          { t: resetToken, p: 'a1' },
        ],
      )
      .map(([label, query, variables]) =>
        post('auth-input', `${label} with canary secrets in variables`, { query, variables }, { expect: refused }),
      ),
    fc.tuple(fc.emailAddress(), fc.boolean()).map(([address, right]) =>
      post('auth-input', `login, ${right ? 'right' : 'wrong'} canary password`, {
        query: login,
        variables: { i: { email: right ? email : address, password: right ? password : newPassword } },
      }),
    ),
    fc.constant(
      post('auth-input', 'logout with a canary refresh token', {
        query: 'mutation($t: String!) { logout(refreshToken: $t) }',
        variables: { t: refreshToken },
      }),
    ),
    fc.constantFrom<unknown>({ $gt: '' }, ['a@b.c'], 'x'.repeat(5_000), `a${'\u0000'}@example.com`).map((value) =>
      post('auth-input', `requestPasswordReset email ${JSON.stringify(value).slice(0, 20)}`, {
        query: 'mutation($e: String!) { requestPasswordReset(email: $e) }',
        variables: { e: value },
      }),
    ),
  );
}

/** The arbitraries of token, subgraph-direct, auth-input. */
export function identityArbitraries(f: CampaignFixtures): Arbitraries {
  return { token: tokens(f), 'subgraph-direct': subgraphDirect(f), 'auth-input': authInput(f) };
}
