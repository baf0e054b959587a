import { randomBytes } from 'node:crypto';
import { errorCodes, type GraphQLResult } from '@supergraph/testing';
import { startTestStack, type TestStack } from '../../../test/support/stack';
import { emailModels } from '../src/emails/model';
import { tokenHash } from '../src/emails/tokens';

/** The password policy (NIST SP 800-63B) on register, login and resetPassword, through the gateway. */
const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { user { id } } }`;
const LOGIN = `mutation($input: LoginInput!) { login(input: $input) { accessToken } }`;
const RESET = `mutation($token: String!, $password: String!) { resetPassword(token: $token, newPassword: $password) }`;

let stack: TestStack;
let counter = 0;
const uniqueEmail = () => `pw${Date.now()}${counter++}@example.com`;
/** 128 different emoji: 128 characters, 256 UTF-16 code units. */
const EMOJI_128 = Array.from({ length: 128 }, (_, i) => String.fromCodePoint(0x1f600 + ((i * 7) % 80))).join('');

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.stop());

const register = (password: string, email = uniqueEmail(), name = 'Grace Hopper') =>
  stack.query<{ register: { user: { id: string } } }>(REGISTER, { variables: { input: { email, password, name } } });

/** The single problem reported for `field`, from a BAD_USER_INPUT answer. */
function problemOf(result: GraphQLResult, argument: string, field: string): string {
  expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
  expect(result.errors?.[0]?.extensions?.argument).toBe(argument);
  const fields = result.errors?.[0]?.extensions?.fields as Array<{ field: string; message: string }>;
  const found = fields.find((entry) => entry.field === field);
  if (!found) throw new Error(`no problem reported for ${field}: ${JSON.stringify(fields)}`);
  return found.message;
}

describe('register', () => {
  it.each([
    ['ten spaces and "a1"', `${' '.repeat(10)}a1`, /at least 15 characters/],
    ['14 characters', 'abcdefg1234567', /at least 15 characters/],
    ['spaces padding a short password to 16', `a1b2     c3d4   `, /at least 15 characters/],
    ['8 emoji (16 UTF-16 code units)', '😀😇😎😕😜😣😪😱', /at least 15 characters/],
    ['129 characters', `${EMOJI_128}x`, /at most 128 characters/],
    ['a common password', 'password12345678', /too easy to guess/],
    ['a keyboard walk', 'qwertyuiopasdfgh', /too easy to guess/],
    ['a repeat', 'letmeinletmein12', /too easy to guess/],
    ['the user’s own name and digits', 'gracehopper12345', /too easy to guess/],
  ])('refuses %s, naming input.password', async (_, password, reason) => {
    expect(problemOf(await register(password), 'input', 'input.password')).toMatch(reason);
  });

  it('sets no composition rules: letters only, spaces, symbols and any script are fine', async () => {
    for (const password of ['correct horse battery staple', 'Ωμέγα και άλφα λόγος', '!!?? ~~ ## %% && 09']) {
      const result = await register(password);
      expect(result.errors).toBeUndefined();
    }
  });

  it('accepts 128 characters that take 256 UTF-16 code units, and login takes them back', async () => {
    const email = uniqueEmail();
    expect((await register(EMOJI_128, email)).errors).toBeUndefined();
    const login = await stack.query(LOGIN, { variables: { input: { email, password: EMOJI_128 } } });
    expect(login.errors).toBeUndefined();
  });

  it('compares passwords after NFKC normalisation: full-width letters sign in as plain ones', async () => {
    const email = uniqueEmail();
    expect((await register('ｃｏｒｒｅｃｔ ｈｏｒｓｅ ４２ ｘ', email)).errors).toBeUndefined();
    const login = await stack.query(LOGIN, { variables: { input: { email, password: 'correct horse 42 x' } } });
    expect(login.errors).toBeUndefined();
  });
});

describe('resetPassword', () => {
  /** A reset token for a new account, stored the way the reset email's job stores it. */
  async function resetToken(): Promise<{ email: string; token: string }> {
    const email = uniqueEmail();
    const registered = await register('the first passphrase 1', email);
    const userId = registered.data!.register.user.id;
    const token = randomBytes(32).toString('base64url');
    await emailModels(stack.subgraphs.auth.connection).emailTokens.create({
      _id: tokenHash(token),
      userId,
      purpose: 'reset-password',
      expiresAt: new Date(Date.now() + 3_600_000),
    });
    return { email, token };
  }

  it('refuses a weak new password naming newPassword, and leaves the link usable', async () => {
    const { email, token } = await resetToken();
    const short = await stack.query(RESET, { variables: { token, password: `${' '.repeat(10)}a1` } });
    expect(problemOf(short, 'newPassword', 'newPassword')).toMatch(/at least 15 characters/);
    const common = await stack.query(RESET, { variables: { token, password: 'password12345678' } });
    expect(problemOf(common, 'newPassword', 'newPassword')).toMatch(/too easy to guess/);

    const reset = await stack.query(RESET, { variables: { token, password: 'a brand new pass 7' } });
    expect(reset.data).toEqual({ resetPassword: true });
    const login = await stack.query(LOGIN, { variables: { input: { email, password: 'a brand new pass 7' } } });
    expect(login.errors).toBeUndefined();
  });

  it('forgets the failed logins of the address it comes from, so the owner can sign in at once', async () => {
    const { email, token } = await resetToken();
    const attempt = (password: string) => stack.query(LOGIN, { variables: { input: { email, password } } });
    // The default allowance of one address on one account is 5 failures.
    for (let i = 0; i < 5; i += 1) expect(errorCodes(await attempt('not my passphrase 9'))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await attempt('the first passphrase 1'))).toEqual(['RATE_LIMITED']);
    expect((await stack.query(RESET, { variables: { token, password: 'a brand new pass 7' } })).data).toEqual({
      resetPassword: true,
    });
    expect((await attempt('a brand new pass 7')).errors).toBeUndefined();
  });

  it('names the token argument when the link is not valid', async () => {
    const result = await stack.query(RESET, { variables: { token: 'x'.repeat(43), password: 'a brand new pass 7' } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'token', reason: 'INVALID_TOKEN' });
    const malformed = await stack.query(RESET, { variables: { token: 'short', password: 'a brand new pass 7' } });
    expect(problemOf(malformed, 'token', 'token')).toMatch(/not a valid token/);
  });
});

describe('the other email mutations', () => {
  it('name the argument the client sent', async () => {
    const verify = await stack.query(`mutation { verifyEmail(token: "nope") { id } }`);
    expect(problemOf(verify, 'token', 'token')).toMatch(/not a valid token/);
    const request = await stack.query(`mutation { requestPasswordReset(email: "not an email") }`);
    expect(problemOf(request, 'email', 'email')).toMatch(/valid email/);
  });
});
