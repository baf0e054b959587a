import { randomBytes } from 'node:crypto';
import { signAccessToken } from '@supergraph/identity';
import { graphql, TEST_SECRETS } from '@supergraph/testing';
import { SignJWT } from 'jose';

/**
 * What a hostile campaign aims at: real users, products and posts made through the gateway, tokens of every
 * kind (valid, expired, forged, `alg: none`...), forged identity headers for the subgraphs, and canary secrets:
 * strings that are only ever sent where a secret goes (passwords, tokens), so finding one in a log line proves
 * a secret was logged.
 */

export interface CampaignUser {
  id: string;
  email: string;
  accessToken: string;
  refreshToken: string;
}

export interface CampaignFixtures {
  /** Secret-shaped strings sent as passwords, tokens and reset tokens; none may ever reach a log. */
  canaries: {
    password: string;
    newPassword: string;
    accessToken: string;
    refreshToken: string;
    resetToken: string;
    verifyToken: string;
    apiKey: string;
  };
  users: CampaignUser[];
  productIds: string[];
  postIds: string[];
  /** Bearer tokens a client might send, good and bad. */
  tokens: {
    valid: string;
    admin: string;
    expired: string;
    forged: string;
    forgedAdmin: string;
    wrongIssuer: string;
    wrongAudience: string;
    algNone: string;
    noSubject: string;
  };
  /** Identity headers a caller might send straight to a subgraph, none signed with the real secret. */
  identityHeaders: { forged: string; expired: string; unsigned: string; forgedAdmin: string };
}

/** Every string of the fixtures that is a secret (canaries and every real token), for the log scan. */
export function secretsOf(fixtures: CampaignFixtures): Array<{ name: string; value: string }> {
  return [
    ...Object.entries(fixtures.canaries).map(([name, value]) => ({ name: `canary ${name}`, value })),
    ...fixtures.users.flatMap((user, i) => [
      { name: `user ${i} access token`, value: user.accessToken },
      { name: `user ${i} refresh token`, value: user.refreshToken },
    ]),
    { name: 'admin access token', value: fixtures.tokens.admin },
    { name: 'JWT_SECRET', value: TEST_SECRETS.JWT_SECRET },
    { name: 'IDENTITY_SECRET', value: TEST_SECRETS.IDENTITY_SECRET },
  ];
}

const ACCESS = { JWT_SECRET: TEST_SECRETS.JWT_SECRET, JWT_ISSUER: 'supergraph', JWT_AUDIENCE: 'supergraph' };
const WRONG_SECRET = 'not-the-secret-0123456789abcdef0123456789';
const encoder = new TextEncoder();
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function jwt(
  payload: Record<string, unknown>,
  secret: string,
  claims: { iss: string; aud: string; exp: number; sub?: string },
) {
  const token = new SignJWT(payload)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(claims.iss)
    .setAudience(claims.aud)
    .setIssuedAt(claims.exp - 120)
    .setExpirationTime(claims.exp);
  if (claims.sub) token.setSubject(claims.sub);
  return token.sign(encoder.encode(secret));
}

async function call<T>(url: string, query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
  const result = await graphql<T>(url, query, { variables, ...(token ? { token } : {}) });
  if (!result.data || result.errors) throw new Error(`campaign setup failed: ${JSON.stringify(result.errors)}`);
  return result.data;
}

/**
 * Registers users with canary passwords, adds products (as an admin) and posts through the gateway at
 * `gatewayUrl`, and mints the tokens and identity headers the campaign sends.
 */
export async function createFixtures(gatewayUrl: string): Promise<CampaignFixtures> {
  const tag = randomBytes(6).toString('hex');
  // Passwords need a letter and a digit; the tag makes each canary unique to this run.
  const canaries = {
    password: `CanaryPw${tag}x1`,
    newPassword: `CanaryNewPw${tag}x2`,
    accessToken: `CanaryAccess${tag}`,
    refreshToken: `rt1.CanarySession${tag}.CanaryRefresh${tag}`,
    resetToken: `CanaryReset${tag}`,
    verifyToken: `CanaryVerify${tag}`,
    apiKey: `CanaryApiKey${tag}`,
  };
  const users: CampaignUser[] = [];
  for (const index of [1, 2]) {
    const email = `hostile-${tag}-${index}@example.com`;
    const data = await call<{ register: { accessToken: string; refreshToken: string; user: { id: string } } }>(
      gatewayUrl,
      'mutation($input: RegisterInput!) { register(input: $input) { accessToken refreshToken user { id } } }',
      { input: { email, password: canaries.password, name: `Hostile ${index}` } },
    );
    users.push({
      id: data.register.user.id,
      email,
      accessToken: data.register.accessToken,
      refreshToken: data.register.refreshToken,
    });
  }
  const first = users[0]!;
  const admin = await signAccessToken(
    { userId: first.id, email: first.email, roles: ['admin'], sessionId: `hostile-${tag}` },
    ACCESS,
    3600,
  );
  const productIds: string[] = [];
  for (const index of [1, 2, 3]) {
    const data = await call<{ createProduct: { id: string } }>(
      gatewayUrl,
      'mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }',
      {
        input: {
          name: `Hostile product ${index}`,
          description: 'For the hostile campaign',
          priceCents: 100 * index,
          currency: 'EUR',
          stock: 1_000,
        },
      },
      admin,
    );
    productIds.push(data.createProduct.id);
  }
  const postIds: string[] = [];
  for (const index of [1, 2, 3]) {
    const data = await call<{ createPost: { id: string } }>(
      gatewayUrl,
      'mutation($input: CreatePostInput!) { createPost(input: $input) { id } }',
      { input: { title: `Hostile post ${index}`, body: 'Aimed at.', tags: ['hostile', `tag-${index}`] } },
      first.accessToken,
    );
    postIds.push(data.createPost.id);
  }
  await call(
    gatewayUrl,
    'mutation($id: ID!) { addToCart(productId: $id, quantity: 2) { itemCount } }',
    { id: productIds[0] },
    first.accessToken,
  );

  const now = Math.floor(Date.now() / 1000);
  const claims = { roles: [], email: first.email, sid: `hostile-${tag}` };
  const good = { iss: 'supergraph', aud: 'supergraph', sub: first.id };
  const identity = { iss: 'supergraph-gateway', aud: 'supergraph-subgraphs', sub: first.id };
  return {
    canaries,
    users,
    productIds,
    postIds,
    tokens: {
      valid: first.accessToken,
      admin,
      expired: await jwt(claims, ACCESS.JWT_SECRET, { ...good, exp: now - 3600 }),
      forged: await jwt(claims, WRONG_SECRET, { ...good, exp: now + 3600 }),
      forgedAdmin: await jwt({ ...claims, roles: ['admin'] }, WRONG_SECRET, { ...good, exp: now + 3600 }),
      wrongIssuer: await jwt(claims, ACCESS.JWT_SECRET, { ...good, iss: 'someone-else', exp: now + 3600 }),
      wrongAudience: await jwt(claims, ACCESS.JWT_SECRET, { ...good, aud: 'someone-else', exp: now + 3600 }),
      algNone: `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ ...claims, ...good, roles: ['admin'], exp: now + 3600 })}.`,
      noSubject: await jwt(claims, ACCESS.JWT_SECRET, { iss: good.iss, aud: good.aud, exp: now + 3600 }),
    },
    identityHeaders: {
      forged: await jwt({ roles: [], ip: '127.0.0.1' }, WRONG_SECRET, { ...identity, exp: now + 3600 }),
      forgedAdmin: await jwt({ roles: ['admin'], ip: '127.0.0.1' }, WRONG_SECRET, { ...identity, exp: now + 3600 }),
      expired: await jwt({ roles: [], ip: '127.0.0.1' }, TEST_SECRETS.IDENTITY_SECRET, { ...identity, exp: now - 3600 }),
      unsigned: `${base64url({ alg: 'none' })}.${base64url({ sub: first.id, roles: ['admin'], aud: identity.aud, iss: identity.iss })}.`,
    },
  };
}
