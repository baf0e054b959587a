import { errorCodes, type GraphQLResult } from '@supergraph/testing';
import { startTestStack, type TestStack } from '../../../test/support/stack';

/**
 * Login throttling through the gateway. With TRUST_PROXY the gateway takes the client address
 * from X-Forwarded-For and signs it into the identity auth reads, so each test speaks from
 * addresses of its own (documentation ranges; nothing is sent to them).
 */
const LOGIN = `mutation Login($input: LoginInput!) { login(input: $input) { accessToken } }`;
const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { user { id } } }`;
const WINDOW_SECONDS = 900;
const PAIR_LIMIT = 3;
const ADDRESS_LIMIT = 8;
const ACCOUNT_LIMIT = 5;

let stack: TestStack;
let counter = 0;
const password = 'correct horse 42';
const wrong = 'wrong horse 43 x';
const uniqueEmail = () => `throttle${Date.now()}${counter++}@example.com`;
let addresses = 0;
/** A fresh client address for every call: 203.0.113.1-254, then 198.51.100.1-254. */
const freshAddress = () => {
  const n = addresses++;
  if (n >= 508) throw new Error('out of test addresses');
  return `${n < 254 ? '203.0.113' : '198.51.100'}.${(n % 254) + 1}`;
};

beforeAll(async () => {
  stack = await startTestStack({
    TRUST_PROXY: 'true',
    LOGIN_FAILURE_WINDOW_SECONDS: String(WINDOW_SECONDS),
    LOGIN_MAX_FAILURES_PER_ACCOUNT_IP: String(PAIR_LIMIT),
    LOGIN_MAX_FAILURES_PER_IP: String(ADDRESS_LIMIT),
    LOGIN_MAX_FAILURES_PER_ACCOUNT: String(ACCOUNT_LIMIT),
    LOGIN_MAX_FAILURES_PER_IP_UNDER_ATTACK: '1',
  });
});
afterAll(() => stack.stop());

async function registered(): Promise<string> {
  const email = uniqueEmail();
  const result = await stack.query(REGISTER, { variables: { input: { email, password, name: 'Owner' } } });
  expect(result.errors).toBeUndefined();
  return email;
}

const login = (email: string, attempt: string, address: string) =>
  stack.query(LOGIN, { variables: { input: { email, password: attempt } }, headers: { 'x-forwarded-for': address } });

const code = (result: GraphQLResult): string => (result.errors ? String(errorCodes(result)[0]) : 'OK');

/** A RATE_LIMITED answer, with a retry time within the window. */
function expectRateLimited(result: GraphQLResult): void {
  expect(errorCodes(result)).toEqual(['RATE_LIMITED']);
  const retryAfter = result.errors?.[0]?.extensions?.retryAfterSeconds as number;
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
}

describe('one address guessing one account', () => {
  it('is stopped after the pair limit, even with the right password, and told when to retry', async () => {
    const email = await registered();
    const address = freshAddress();
    for (let i = 0; i < PAIR_LIMIT; i += 1) expect(code(await login(email, wrong, address))).toBe('UNAUTHENTICATED');
    expectRateLimited(await login(email, password, address));
    // The account is not locked: the owner elsewhere signs in.
    expect(code(await login(email, password, freshAddress()))).toBe('OK');
  });

  it('keeps the pair limit to its pair: the address may try other accounts, and a success clears its count', async () => {
    const email = await registered();
    const other = await registered();
    const address = freshAddress();
    expect(code(await login(email, wrong, address))).toBe('UNAUTHENTICATED');
    expect(code(await login(email, wrong, address))).toBe('UNAUTHENTICATED');
    expect(code(await login(email, password, address))).toBe('OK');
    const codes = [];
    for (let i = 0; i <= PAIR_LIMIT; i += 1) codes.push(code(await login(email, wrong, address)));
    expect(codes).toEqual([...Array<string>(PAIR_LIMIT).fill('UNAUTHENTICATED'), 'RATE_LIMITED']);
    expect(code(await login(other, wrong, address))).toBe('UNAUTHENTICATED');
  });

  it('holds exactly under a burst of concurrent guesses', async () => {
    const email = await registered();
    const address = freshAddress();
    const results = await Promise.all(Array.from({ length: 8 }, () => login(email, wrong, address)));
    const codes = results.map(code);
    expect(codes.filter((c) => c === 'UNAUTHENTICATED')).toHaveLength(PAIR_LIMIT);
    expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(8 - PAIR_LIMIT);
  });

  it('counts an IPv6 /64 as one address', async () => {
    const email = await registered();
    const network = `2001:db8:${(counter++).toString(16)}:1`;
    for (let i = 1; i <= PAIR_LIMIT; i += 1) {
      expect(code(await login(email, wrong, `${network}::${i}`))).toBe('UNAUTHENTICATED');
    }
    expectRateLimited(await login(email, password, `${network}::ffff`));
    expect(code(await login(email, password, `2001:db8:${(counter++).toString(16)}:2::1`))).toBe('OK');
  });
});

describe('one address guessing many accounts', () => {
  it('is stopped after the address limit, while other addresses are not', async () => {
    const address = freshAddress();
    const codes = [];
    for (let i = 0; i < ADDRESS_LIMIT + 2; i += 1) codes.push(code(await login(uniqueEmail(), wrong, address)));
    expect(codes).toEqual([...Array<string>(ADDRESS_LIMIT).fill('UNAUTHENTICATED'), 'RATE_LIMITED', 'RATE_LIMITED']);
    expectRateLimited(await login(uniqueEmail(), wrong, address));
    expect(code(await login(uniqueEmail(), wrong, freshAddress()))).toBe('UNAUTHENTICATED');
  });
});

describe('many addresses guessing one account', () => {
  it('do not stop the owner signing in from an 11th address, and each new one gets a single guess', async () => {
    const email = await registered();
    const home = freshAddress();
    expect(code(await login(email, password, home))).toBe('OK');

    const attackers = Array.from({ length: 10 }, freshAddress);
    const seen: string[][] = [];
    for (const address of attackers) {
      const codes = [];
      for (let i = 0; i < PAIR_LIMIT; i += 1) codes.push(code(await login(email, wrong, address)));
      seen.push(codes);
    }
    // The first addresses use the normal allowance until the account has ACCOUNT_LIMIT failures;
    // from then on an address that has failed on the account is refused.
    expect(seen[0]).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED']);
    expect(seen[1]).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', 'RATE_LIMITED']);
    for (const codes of seen.slice(2)) expect(codes).toEqual(['UNAUTHENTICATED', 'RATE_LIMITED', 'RATE_LIMITED']);
    expectRateLimited(await login(email, password, attackers[5]!));

    // The owner on an address the account has not seen fail gets in.
    expect(code(await login(email, password, freshAddress()))).toBe('OK');
    // At home, an address the account knows, a typo does not cost the owner the window.
    expect(code(await login(email, wrong, home))).toBe('UNAUTHENTICATED');
    expect(code(await login(email, password, home))).toBe('OK');
  });
});

describe('a wrong password and an unknown email', () => {
  it('are throttled alike, so the answers never tell whether the account exists', async () => {
    const email = await registered();
    const codesFor = async (target: string) => {
      const address = freshAddress();
      const results = [];
      for (let i = 0; i <= PAIR_LIMIT; i += 1) results.push(await login(target, wrong, address));
      return results;
    };
    const known = await codesFor(email);
    const unknown = await codesFor(uniqueEmail());
    expect(known.map(code)).toEqual(unknown.map(code));
    expect(known[0]!.errors).toEqual(unknown[0]!.errors);
    expect(known.map((result) => result.status)).toEqual(unknown.map((result) => result.status));
  });
});
