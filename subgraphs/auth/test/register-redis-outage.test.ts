import { eventually, errorCodes } from '@supergraph/testing';
import { startTestStack, type TestStack } from '../../../test/support/stack';
import { userModel } from '../src/users/model';

/**
 * Redis stops while a user registers: the account is written (MongoDB) but its session cannot
 * be (Redis), so the client sees an error. Its retry with the same input must get the account,
 * not CONFLICT; anyone with another password still gets CONFLICT.
 */
const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { accessToken refreshToken user { id email } } }`;
const LOGIN = `mutation($input: LoginInput!) { login(input: $input) { user { id } } }`;

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({}, { ownRedis: true });
}, 60_000);
afterAll(() => stack.stop());

it('register while Redis is stopped: the retry with the same input signs in to the account, never CONFLICT', async () => {
  const email = `outage-${process.pid}-${Date.now()}@example.com`;
  const input = { email, password: 'correct horse 42', name: 'Outage' };
  const users = userModel(stack.subgraphs.auth.connection);

  await stack.redis!.stop();
  const failed = await stack.query<{ register: unknown }>(REGISTER, { variables: { input } });
  expect(failed.data?.register ?? null).toBeNull();
  expect(errorCodes(failed)).not.toContain('CONFLICT');
  // Half of it happened: the account, and its verification email on its way (MongoDB only).
  const account = await users.findOne({ email }).lean();
  expect(account).not.toBeNull();
  const pending = await stack.subgraphs.auth.connection
    .collection('outbox_pending')
    .countDocuments({ entityId: String(account!._id) });
  expect(pending).toBe(1);

  await stack.redis!.start();
  // Wait on state: the auth subgraph answers /readyz once its Redis client is back.
  const readyz = stack.subgraphUrls.auth.replace(/\/graphql$/, '/readyz');
  await eventually(async () => expect((await fetch(readyz)).status).toBe(200), { timeoutMs: 20_000, intervalMs: 100 });

  const retry = await stack.query<{ register: { accessToken: string; refreshToken: string; user: { id: string } } }>(REGISTER, {
    variables: { input },
  });
  expect(retry.errors).toBeUndefined();
  expect(retry.data!.register.user.id).toBe(String(account!._id));
  const me = await stack.query<{ me: { id: string } }>(`{ me { id } }`, { token: retry.data!.register.accessToken });
  expect(me.data?.me.id).toBe(String(account!._id));
  expect(await users.countDocuments({ email })).toBe(1);

  // Someone else with this email but not its password learns nothing new: CONFLICT, as always.
  const stranger = await stack.query(REGISTER, { variables: { input: { ...input, password: 'purple staple 7x' } } });
  expect(stranger.data?.register ?? null).toBeNull();
  expect(stranger.errors?.map((error) => error.extensions)).toEqual([
    { code: 'CONFLICT', argument: 'input', field: 'input.email', serviceName: 'auth' },
  ]);
  // The account signs in as usual.
  const login = await stack.query<{ login: { user: { id: string } } }>(LOGIN, {
    variables: { input: { email, password: input.password } },
  });
  expect(login.data?.login.user.id).toBe(String(account!._id));
});
