import { SignJWT } from 'jose';
import { errorCodes, TEST_SECRETS } from '@supergraph/testing';
import { startTestStack, type TestStack } from '../../../test/support/stack';
import { userModel } from '../src/users/model';

const REGISTER = `mutation Register($input: RegisterInput!) {
  register(input: $input) { accessToken refreshToken expiresIn tokenType user { id email name roles emailVerified createdAt } }
}`;
const LOGIN = `mutation Login($input: LoginInput!) { login(input: $input) { accessToken refreshToken user { id email } } }`;
const REFRESH = `mutation Refresh($token: String!) { refreshToken(refreshToken: $token) { accessToken refreshToken user { id } } }`;
const LOGOUT = `mutation Logout($token: String!) { logout(refreshToken: $token) }`;
const ME = `{ me { id email name } }`;

interface Payload {
  accessToken: string;
  refreshToken: string;
  user: { id: string; email: string | null };
}

let stack: TestStack;
let counter = 0;
const uniqueEmail = () => `user${Date.now()}${counter++}@example.com`;
const password = 'correct horse 42';

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.stop());

async function register(email = uniqueEmail(), name = 'Ada'): Promise<Payload> {
  const result = await stack.query<{ register: Payload }>(REGISTER, { variables: { input: { email, password, name } } });
  expect(result.errors).toBeUndefined();
  return result.data!.register;
}

describe('register -> login -> me', () => {
  it('signs a new user in and answers me with their own email', async () => {
    const email = uniqueEmail();
    const registered = await register(email.toUpperCase(), '  Ada Lovelace ');
    expect(registered.user).toMatchObject({ email, name: 'Ada Lovelace', roles: ['user'], emailVerified: false });

    const login = await stack.query<{ login: Payload }>(LOGIN, { variables: { input: { email, password } } });
    expect(login.errors).toBeUndefined();
    const me = await stack.query<{ me: { id: string; email: string } }>(ME, { token: login.data!.login.accessToken });
    expect(me.data?.me).toEqual({ id: registered.user.id, email, name: 'Ada Lovelace' });
  });

  it('answers me with null for an anonymous caller', async () => {
    const me = await stack.query(ME);
    expect(me.errors).toBeUndefined();
    expect(me.data).toEqual({ me: null });
  });

  it('hides a user’s email from other users', async () => {
    const owner = await register();
    const other = await register();
    const seen = await stack.query<{ user: { id: string; email: string | null } }>(
      `query($id: ID!) { user(id: $id) { id email } }`,
      { variables: { id: owner.user.id }, token: other.accessToken },
    );
    expect(seen.data?.user).toEqual({ id: owner.user.id, email: null });
  });

  it('answers null for an unknown or malformed user id', async () => {
    const result = await stack.query(`{ a: user(id: "0123456789abcdef01234567") { id } b: user(id: "nope") { id } }`);
    expect(result.data).toEqual({ a: null, b: null });
  });
});

describe('unique email', () => {
  it('refuses a second account for the same email, whatever its case, with CONFLICT', async () => {
    const email = uniqueEmail();
    await register(email);
    const again = await stack.query(REGISTER, {
      variables: { input: { email: email.toUpperCase(), password: 'another horse 42', name: 'B' } },
    });
    expect(errorCodes(again)).toEqual(['CONFLICT']);
  });

  it('signs a repeated registration with the same password in to the same account (a retry)', async () => {
    const email = uniqueEmail();
    const first = await register(email);
    const retry = await stack.query<{ register: Payload }>(REGISTER, {
      variables: { input: { email: email.toUpperCase(), password, name: 'Whatever' } },
    });
    expect(retry.errors).toBeUndefined();
    expect(retry.data!.register.user).toMatchObject({ id: first.user.id, email });
    const me = await stack.query<{ me: { id: string } }>(ME, { token: retry.data!.register.accessToken });
    expect(me.data?.me.id).toBe(first.user.id);
  });

  it('lets exactly one of many racing registrations win; racers with its password join it, others get CONFLICT', async () => {
    const email = uniqueEmail();
    const passwords = [
      'correct horse 42',
      'correct horse 42',
      'correct horse 42',
      'purple staple 7x',
      'purple staple 7x',
      'sticky battery 9z',
    ];
    const results = await Promise.all(
      passwords.map((pw, i) =>
        stack.query<{ register: Payload }>(REGISTER, { variables: { input: { email, password: pw, name: `R${i}` } } }),
      ),
    );
    expect(await userModel(stack.subgraphs.auth.connection).countDocuments({ email })).toBe(1);
    const winner = passwords[results.findIndex((result) => result.data?.register)];
    expect(winner).toBeDefined();
    const ids = new Set<string>();
    for (const [i, result] of results.entries()) {
      if (passwords[i] === winner) {
        expect(result.errors).toBeUndefined();
        ids.add(result.data!.register.user.id);
      } else {
        expect(errorCodes(result)).toEqual(['CONFLICT']);
      }
    }
    expect(ids.size).toBe(1);
  });
});

describe('bad input', () => {
  it.each([
    ['an invalid email', { email: 'not-an-email', password, name: 'A' }, 'input.email'],
    ['a short password', { email: uniqueEmail(), password: 'short1', name: 'A' }, 'input.password'],
    ['a huge password', { email: uniqueEmail(), password: `a1${'x'.repeat(10_000)}`, name: 'A' }, 'input.password'],
    ['an empty name', { email: uniqueEmail(), password, name: '   ' }, 'input.name'],
    ['a long name', { email: uniqueEmail(), password, name: 'n'.repeat(81) }, 'input.name'],
    ['a long email', { email: `${'e'.repeat(250)}@example.com`, password, name: 'A' }, 'input.email'],
  ])('refuses %s with BAD_USER_INPUT naming the field from the argument', async (_, input, field) => {
    const result = await stack.query(REGISTER, { variables: { input } });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.extensions?.argument).toBe('input');
    const fields = result.errors?.[0]?.extensions?.fields as Array<{ field: string }>;
    expect(fields.map((f) => f.field)).toContain(field);
  });

  it('names every bad field at once', async () => {
    const result = await stack.query(REGISTER, { variables: { input: { email: 'nope', password: 'short', name: ' ' } } });
    const fields = (result.errors?.[0]?.extensions?.fields as Array<{ field: string }>).map((f) => f.field);
    expect(fields.sort()).toEqual(['input.email', 'input.name', 'input.password']);
  });

  it('refuses a missing argument with a validation error, not a crash', async () => {
    const result = await stack.query(`mutation { register(input: { email: "a@b.co" }) { accessToken } }`);
    expect(result.status).toBe(400);
    expect(new Set(errorCodes(result))).toEqual(new Set(['GRAPHQL_VALIDATION_FAILED']));
  });
});

describe('wrong password and unknown email', () => {
  it('answer exactly alike', async () => {
    const email = uniqueEmail();
    await register(email);
    const wrong = await stack.query(LOGIN, { variables: { input: { email, password: 'wrong password 1' } } });
    const unknown = await stack.query(LOGIN, { variables: { input: { email: uniqueEmail(), password } } });
    expect(errorCodes(wrong)).toEqual(['UNAUTHENTICATED']);
    expect(wrong.status).toBe(unknown.status);
    expect(wrong.errors).toEqual(unknown.errors);
  });
});

describe('access tokens', () => {
  const sign = (claims: Record<string, unknown>, secret: string = TEST_SECRETS.JWT_SECRET, expiresIn = '5m') =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('supergraph')
      .setAudience('supergraph')
      .setIssuedAt()
      .setExpirationTime(expiresIn)
      .sign(new TextEncoder().encode(secret));

  it('refuses a tampered token with 401 UNAUTHENTICATED', async () => {
    const { accessToken, user } = await register();
    const [header, , signature] = accessToken.split('.');
    const forgedPayload = Buffer.from(
      JSON.stringify({ sub: user.id, roles: ['admin'], iss: 'supergraph', aud: 'supergraph', exp: 4102444800 }),
    ).toString('base64url');
    const result = await stack.query(ME, { token: `${header}.${forgedPayload}.${signature}` });
    expect(result.status).toBe(401);
    expect(errorCodes(result)).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses a token signed with another secret', async () => {
    const token = await sign({ sub: '0123456789abcdef01234567' }, 'another-secret-that-is-long-enough-123');
    const result = await stack.query(ME, { token });
    expect(result.status).toBe(401);
    expect(errorCodes(result)).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses an expired token, saying so', async () => {
    const { user } = await register();
    const token = await sign({ sub: user.id }, TEST_SECRETS.JWT_SECRET, '-10s');
    const result = await stack.query(ME, { token });
    expect(result.status).toBe(401);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_EXPIRED' });
  });

  it('refuses an unsigned alg:none token', async () => {
    const { user } = await register();
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const token = `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: user.id, iss: 'supergraph', aud: 'supergraph', exp: 4102444800 })}.`;
    const result = await stack.query(ME, { token });
    expect(result.status).toBe(401);
    expect(errorCodes(result)).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses a malformed Authorization header', async () => {
    const result = await stack.query(ME, { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(result.status).toBe(401);
    expect(errorCodes(result)).toEqual(['UNAUTHENTICATED']);
  });
});

describe('refresh tokens', () => {
  it('rotate on every use and end the session when a used one comes back', async () => {
    const first = await register();
    const second = await stack.query<{ refreshToken: Payload }>(REFRESH, { variables: { token: first.refreshToken } });
    expect(second.errors).toBeUndefined();
    const rotated = second.data!.refreshToken;
    expect(rotated.refreshToken).not.toBe(first.refreshToken);
    expect(rotated.user.id).toBe(first.user.id);

    const replay = await stack.query(REFRESH, { variables: { token: first.refreshToken } });
    expect(replay.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'REFRESH_TOKEN_REUSED' });

    // The replay revoked the whole family: the newest token is dead too.
    const afterReuse = await stack.query(REFRESH, { variables: { token: rotated.refreshToken } });
    expect(afterReuse.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'REFRESH_TOKEN_REVOKED' });
  });

  it('let only one of two concurrent uses of one token win', async () => {
    const { refreshToken } = await register();
    const results = await Promise.all([1, 2].map(() => stack.query(REFRESH, { variables: { token: refreshToken } })));
    expect(results.filter((result) => !result.errors)).toHaveLength(1);
  });

  it('refuse garbage', async () => {
    const result = await stack.query(REFRESH, { variables: { token: 'rt1.garbage' } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'REFRESH_TOKEN_INVALID' });
  });

  it('keep sessions apart: reuse in one session leaves another login alive', async () => {
    const email = uniqueEmail();
    const a = await register(email);
    const b = await stack.query<{ login: Payload }>(LOGIN, { variables: { input: { email, password } } });
    await stack.query(REFRESH, { variables: { token: a.refreshToken } });
    await stack.query(REFRESH, { variables: { token: a.refreshToken } });
    const stillAlive = await stack.query(REFRESH, { variables: { token: b.data!.login.refreshToken } });
    expect(stillAlive.errors).toBeUndefined();
  });
});

describe('logout', () => {
  it('revokes the session: its refresh token stops working', async () => {
    const { refreshToken } = await register();
    const out = await stack.query(LOGOUT, { variables: { token: refreshToken } });
    expect(out.data).toEqual({ logout: true });
    const refresh = await stack.query(REFRESH, { variables: { token: refreshToken } });
    expect(errorCodes(refresh)).toEqual(['UNAUTHENTICATED']);
    const again = await stack.query(LOGOUT, { variables: { token: refreshToken } });
    expect(again.data).toEqual({ logout: false });
  });
});

describe('roles', () => {
  const USER = `query($id: ID!) { user(id: $id) { id roles } }`;

  it('are shown to the user themself and to admins, and are null for anyone else', async () => {
    const owner = await register();
    const other = await register();
    const adminEmail = uniqueEmail();
    const admin = await register(adminEmail);
    await userModel(stack.subgraphs.auth.connection).updateOne({ _id: admin.user.id }, { $set: { roles: ['user', 'admin'] } });
    const adminLogin = await stack.query<{ login: Payload }>(LOGIN, {
      variables: { input: { email: adminEmail, password } },
    });
    const adminToken = adminLogin.data!.login.accessToken;
    const seen = (token?: string) =>
      stack.query<{ user: { id: string; roles: string[] | null } }>(USER, {
        variables: { id: owner.user.id },
        ...(token ? { token } : {}),
      });

    expect((await seen(owner.accessToken)).data?.user.roles).toEqual(['user']);
    expect((await seen(adminToken)).data?.user.roles).toEqual(['user']);
    expect((await seen(other.accessToken)).data?.user.roles).toBeNull();
    const anonymous = await seen();
    expect(anonymous.errors).toBeUndefined();
    expect(anonymous.data?.user.roles).toBeNull();
    // An answer that depends on who asks must not be kept by a shared cache.
    expect(anonymous.headers.get('cache-control')).not.toMatch(/public/);
    const me = await stack.query<{ me: { roles: string[] } }>(`{ me { roles } }`, { token: adminToken });
    expect(me.data?.me.roles).toEqual(['user', 'admin']);
  });
});
