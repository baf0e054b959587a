import { createHash } from 'node:crypto';
import { RateLimiterRedis, type RateLimiterRes } from 'rate-limiter-flexible';
import type { RedisClient } from '@supergraph/redis';
import { throttledAddress } from './client-address';

/** Options for {@link createLoginThrottle}; names match the config variables (README). */
export interface LoginThrottleSettings {
  /** How long each count lives, from the first failure it counts. */
  LOGIN_FAILURE_WINDOW_SECONDS: number;
  /** Failures one address may make on one account per window. */
  LOGIN_MAX_FAILURES_PER_ACCOUNT_IP: number;
  /** Failures one address may make over all accounts per window. */
  LOGIN_MAX_FAILURES_PER_IP: number;
  /** Failures on one account, from anywhere, after which the account counts as under attack. */
  LOGIN_MAX_FAILURES_PER_ACCOUNT: number;
  /** Failures an address the account does not know may make on it while it is under attack. */
  LOGIN_MAX_FAILURES_PER_IP_UNDER_ATTACK: number;
  /** How long an address that signed in to an account stays known to it. */
  LOGIN_KNOWN_ADDRESS_TTL_SECONDS: number;
}

/** Which limit refused an attempt. */
export type LoginLimit = 'address' | 'account-address' | 'account-under-attack';

export type LoginAttempt = { allowed: true } | { allowed: false; limit: LoginLimit; retryAfterSeconds: number };

/**
 * Failed-login counts in Redis, shared by every replica: per (account, address), per address,
 * and per account. The account count never locks the account: past its limit, only addresses
 * that have not failed on it (or that it knows) may still try, so the owner gets in while a
 * distributed guesser gets a try or two per address. docs/authentication.md has the reasoning.
 */
export interface LoginThrottle {
  /**
   * Takes one attempt at `email` from `clientIp`. When allowed, the attempt counts as a failure
   * until {@link LoginThrottle.succeeded} gives it back; when refused, nothing is counted.
   */
  attempt(email: string, clientIp: string): Promise<LoginAttempt>;
  /** The attempt was right: give its counts back, clear the pair, and remember the address. */
  succeeded(email: string, clientIp: string): Promise<void>;
  /** The owner proved themself from this address another way (a password reset): same as a success. */
  trust(email: string, clientIp: string): Promise<void>;
}

interface Count {
  /** Failures counted before this attempt. */
  failures: number;
  /** Milliseconds until the count starts again. */
  msLeft: number;
}

interface Counts {
  pair: Count;
  address: Count;
  account: Count;
}

// Emails are hashed so no key stores an address book in clear.
const accountKey = (email: string) => createHash('sha256').update(email).digest('base64url');

const before = (result: RateLimiterRes | null, including = 0): Count => ({
  failures: result ? result.consumedPoints - including : 0,
  msLeft: result ? Math.max(1, result.msBeforeNext) : 0,
});

export function createLoginThrottle(redis: RedisClient, settings: LoginThrottleSettings): LoginThrottle {
  const counter = (keyPrefix: string, points: number) =>
    // Counts only (get, penalty, reward, delete): the decision below needs all three at once.
    new RateLimiterRedis({ storeClient: redis, keyPrefix, points, duration: settings.LOGIN_FAILURE_WINDOW_SECONDS });
  const pairs = counter('auth:login-fail:pair', settings.LOGIN_MAX_FAILURES_PER_ACCOUNT_IP);
  const addresses = counter('auth:login-fail:ip', settings.LOGIN_MAX_FAILURES_PER_IP);
  const accounts = counter('auth:login-fail:account', settings.LOGIN_MAX_FAILURES_PER_ACCOUNT);
  const underAttackAllowance = Math.min(
    settings.LOGIN_MAX_FAILURES_PER_IP_UNDER_ATTACK,
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT_IP,
  );

  const keysOf = (email: string, clientIp: string) => {
    const account = accountKey(email);
    const address = throttledAddress(clientIp);
    return { account, address, pair: `${account}:${address}`, known: `auth:login-known:${account}:${address}` };
  };
  type Keys = ReturnType<typeof keysOf>;

  /** The limit an attempt after these counts breaks, with the wait in ms; null when none does. */
  const broken = async (counts: Counts, keys: Keys): Promise<{ limit: LoginLimit; ms: number } | null> => {
    if (counts.address.failures >= settings.LOGIN_MAX_FAILURES_PER_IP) return { limit: 'address', ms: counts.address.msLeft };
    if (counts.pair.failures >= settings.LOGIN_MAX_FAILURES_PER_ACCOUNT_IP) {
      return { limit: 'account-address', ms: counts.pair.msLeft };
    }
    const underAttack = counts.account.failures >= settings.LOGIN_MAX_FAILURES_PER_ACCOUNT;
    if (!underAttack || counts.pair.failures < underAttackAllowance) return null;
    // Looked up only here: the one case where knowing the address changes the answer.
    if ((await redis.exists(keys.known)) === 1) return null;
    // Free again when this address's count or the account's runs out, whichever comes first.
    return { limit: 'account-under-attack', ms: Math.min(counts.pair.msLeft, counts.account.msLeft) };
  };

  const refuse = (found: { limit: LoginLimit; ms: number }): LoginAttempt => ({
    allowed: false,
    limit: found.limit,
    retryAfterSeconds: Math.max(1, Math.ceil(found.ms / 1000)),
  });

  const remember = (keys: Keys) =>
    Promise.all([pairs.delete(keys.pair), redis.set(keys.known, '1', 'EX', settings.LOGIN_KNOWN_ADDRESS_TTL_SECONDS)]).then(
      () => undefined,
    );

  return {
    async attempt(email, clientIp) {
      const keys = keysOf(email, clientIp);
      // Read first: a refused attempt (most of an attack's) writes nothing.
      const [pair, address, account] = await Promise.all([
        pairs.get(keys.pair),
        addresses.get(keys.address),
        accounts.get(keys.account),
      ]);
      const early = await broken({ pair: before(pair), address: before(address), account: before(account) }, keys);
      if (early) return refuse(early);
      // Then count this attempt in all three at once. Concurrent attempts each get their own
      // number, so a burst cannot slip more tries past the limits than they allow.
      const taken = await Promise.all([
        pairs.penalty(keys.pair),
        addresses.penalty(keys.address),
        accounts.penalty(keys.account),
      ]);
      const late = await broken({ pair: before(taken[0], 1), address: before(taken[1], 1), account: before(taken[2], 1) }, keys);
      if (!late) return { allowed: true };
      await Promise.all([pairs.reward(keys.pair), addresses.reward(keys.address), accounts.reward(keys.account)]);
      return refuse(late);
    },
    async succeeded(email, clientIp) {
      const keys = keysOf(email, clientIp);
      await Promise.all([addresses.reward(keys.address), accounts.reward(keys.account), remember(keys)]);
    },
    async trust(email, clientIp) {
      await remember(keysOf(email, clientIp));
    },
  };
}
