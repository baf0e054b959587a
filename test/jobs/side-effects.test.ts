import { errorCodes } from '@supergraph/testing';
import { addProduct } from '../support/products';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { startTestStack, type TestStack } from '../support/stack';
import { signUp } from '../support/users';
import { exactlyOne, tokenIn } from './mail-helpers';

/** Side effects run as jobs in the workers: each email exactly once, the API never waiting. */
let stack: TestStack;
let sink: SmtpSink;

beforeAll(async () => {
  sink = await startSmtpSink();
  stack = await startTestStack({}, { workers: { smtpUrl: sink.url } });
}, 60_000);
afterAll(async () => {
  await stack.stop();
  await sink.close();
});

const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { accessToken refreshToken user { id } } }`;
const to = (address: string) => (mail: { to: string[] }) => mail.to.some((recipient) => recipient.includes(address));

describe('(a) every email, once, in the normal flow', () => {
  it('register -> one verification email whose token verifies the address, once', async () => {
    const email = `verify-${Date.now()}@example.com`;
    const registered = await stack.query<{ register: { user: { id: string } } }>(REGISTER, {
      variables: { input: { email, password: 'correct horse 42', name: 'Vera' } },
    });
    expect(registered.errors).toBeUndefined();
    const mail = await exactlyOne(sink, to(email));
    expect(mail.subject).toBe('Confirm your email address');
    const verify = `mutation($t: String!) { verifyEmail(token: $t) { id emailVerified } }`;
    const verified = await stack.query(verify, { variables: { t: tokenIn(mail) } });
    expect(verified.data).toEqual({ verifyEmail: { id: registered.data!.register.user.id, emailVerified: true } });
    expect((await stack.query(verify, { variables: { t: tokenIn(mail) } })).errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'TOKEN_USED',
    });
    expect((await stack.query(verify, { variables: { t: 'x'.repeat(43) } })).errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'INVALID_TOKEN',
    });
  });

  it('requestPasswordReset -> one reset email; the same answer for an unknown address; the reset ends old sessions', async () => {
    const user = await signUp(stack, 'Resetter');
    const login = await stack.query<{ login: { refreshToken: string } }>(
      `mutation($e: String!) { login(input: { email: $e, password: "correct horse 42" }) { refreshToken } }`,
      { variables: { e: user.email } },
    );
    const ask = (email: string) =>
      stack.query(`mutation($e: String!) { requestPasswordReset(email: $e) }`, { variables: { e: email } });
    expect((await ask(user.email)).data).toEqual({ requestPasswordReset: true });
    expect((await ask(`nobody-${Date.now()}@example.com`)).data).toEqual({ requestPasswordReset: true });
    const mail = await exactlyOne(sink, (m) => to(user.email)(m) && m.subject === 'Reset your password');
    const reset = await stack.query(`mutation($t: String!) { resetPassword(token: $t, newPassword: "a brand new pass 7") }`, {
      variables: { t: tokenIn(mail) },
    });
    expect(reset.data).toEqual({ resetPassword: true });
    const refresh = await stack.query(`mutation($r: String!) { refreshToken(refreshToken: $r) { accessToken } }`, {
      variables: { r: login.data!.login.refreshToken },
    });
    expect(errorCodes(refresh)).toEqual(['UNAUTHENTICATED']);
    const newLogin = await stack.query(
      `mutation($e: String!) { login(input: { email: $e, password: "a brand new pass 7" }) { accessToken } }`,
      { variables: { e: user.email } },
    );
    expect(newLogin.errors).toBeUndefined();
  });

  it('checkout -> one order confirmation listing the order', async () => {
    const user = await signUp(stack, 'Confirmed');
    await stack.query(`mutation($p: ID!) { addToCart(productId: $p, quantity: 2) { itemCount } }`, {
      token: user.token,
      variables: { p: await addProduct(stack, { name: 'Teapot', priceCents: 1_250 }) },
    });
    const order = await stack.query<{ checkout: { id: string } }>(
      `mutation { checkout(idempotencyKey: "confirm-${Date.now()}") { id } }`,
      { token: user.token },
    );
    const mail = await exactlyOne(sink, (m) => to(user.email)(m) && m.subject.includes(order.data!.checkout.id));
    expect(mail.text).toContain('2 x Teapot');
    expect(mail.text).toContain('Total: 25.00 EUR');
  });

  it('post writes -> trendingTags follows once the job has run', async () => {
    const user = await signUp(stack, 'Tagger');
    const tag = `trend-${Date.now()}`;
    const create = () =>
      stack.query<{ createPost: { id: string } }>(
        `mutation($t: String!) { createPost(input: { title: "t", body: "b", tags: [$t] }) { id } }`,
        { token: user.token, variables: { t: tag } },
      );
    const countOf = async () =>
      (
        await stack.query<{ trendingTags: Array<{ tag: string; count: number }> }>(`{ trendingTags(limit: 100) { tag count } }`)
      ).data!.trendingTags.find((row) => row.tag === tag)?.count ?? 0;
    const eventually = async (expected: number) => {
      for (let i = 0; i < 100 && (await countOf()) !== expected; i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await countOf()).toBe(expected);
    };
    const first = await create();
    await create();
    await create();
    await eventually(3);
    await stack.query(`mutation($id: ID!) { deletePost(id: $id) }`, {
      token: user.token,
      variables: { id: first.data!.createPost.id },
    });
    await eventually(2);
  });
});

describe('(d) a client retrying the same mutation', () => {
  it('checkout with the same key, repeated and concurrent: one confirmation', async () => {
    const user = await signUp(stack, 'Impatient');
    await stack.query(`mutation($p: ID!) { addToCart(productId: $p) { itemCount } }`, {
      token: user.token,
      variables: { p: await addProduct(stack) },
    });
    const key = `retry-${Date.now()}`;
    const checkout = () =>
      stack.query<{ checkout: { id: string } }>(`mutation($k: String!) { checkout(idempotencyKey: $k) { id } }`, {
        token: user.token,
        variables: { k: key },
      });
    const results = await Promise.all([checkout(), checkout(), checkout()]);
    await checkout();
    const ids = new Set(results.map((result) => result.data?.checkout.id));
    expect(ids.size).toBe(1);
    const mail = await exactlyOne(sink, (m) => to(user.email)(m) && m.subject.startsWith('Your order'));
    expect(mail.subject).toContain([...ids][0]);
  });

  it('register retried: the retry signs in to the one account and one verification email goes out', async () => {
    const email = `twice-${Date.now()}@example.com`;
    const input = { email, password: 'correct horse 42', name: 'Twice' };
    const register = () => stack.query<{ register: { user: { id: string } } }>(REGISTER, { variables: { input } });
    const results = await Promise.all([register(), register()]);
    expect(results.map((result) => errorCodes(result)[0] ?? 'OK')).toEqual(['OK', 'OK']);
    expect(new Set(results.map((result) => result.data?.register.user.id)).size).toBe(1);
    await exactlyOne(sink, to(email));
  });

  it('requestPasswordReset retried within a minute: one email', async () => {
    const user = await signUp(stack, 'Clicker');
    const ask = () => stack.query(`mutation($e: String!) { requestPasswordReset(email: $e) }`, { variables: { e: user.email } });
    await Promise.all([ask(), ask(), ask()]);
    await exactlyOne(sink, (m) => to(user.email)(m) && m.subject === 'Reset your password');
  });
});
