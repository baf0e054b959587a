import { createHash } from 'node:crypto';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RedisClient } from '@supergraph/redis';

/** Options for {@link createLoginThrottle}; names match the config variables. */
export interface LoginThrottleSettings {
  /** Failed logins allowed per account within the window. */
  LOGIN_MAX_FAILURES_PER_ACCOUNT: number;
  /** Failed logins allowed per client address within the window. */
  LOGIN_MAX_FAILURES_PER_IP: number;
  LOGIN_FAILURE_WINDOW_SECONDS: number;
}

/** Failed-login counters kept in Redis, so every replica sees the same counts. */
export interface LoginThrottle {
  /** Seconds until a login may be tried again, or 0 when it may be tried now. */
  retryAfter(email: string, clientIp: string): Promise<number>;
  /** Counts a failure; returns seconds to wait when this failure used up an allowance. */
  recordFailure(email: string, clientIp: string): Promise<number>;
  /** A successful login clears the account's count (not the address's). */
  recordSuccess(email: string): Promise<void>;
}

// Emails are hashed so the keys do not store addresses in clear.
const accountKey = (email: string) => createHash('sha256').update(email).digest('base64url');

export function createLoginThrottle(redis: RedisClient, settings: LoginThrottleSettings): LoginThrottle {
  const window = settings.LOGIN_FAILURE_WINDOW_SECONDS;
  const perAccount = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: 'auth:login-fail:account',
    points: settings.LOGIN_MAX_FAILURES_PER_ACCOUNT,
    duration: window,
    blockDuration: window,
  });
  const perIp = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: 'auth:login-fail:ip',
    points: settings.LOGIN_MAX_FAILURES_PER_IP,
    duration: window,
    blockDuration: window,
  });
  const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

  return {
    async retryAfter(email, clientIp) {
      const [account, ip] = await Promise.all([perAccount.get(accountKey(email)), perIp.get(clientIp || 'unknown')]);
      const waits = [
        account && account.consumedPoints >= settings.LOGIN_MAX_FAILURES_PER_ACCOUNT ? account.msBeforeNext : 0,
        ip && ip.consumedPoints >= settings.LOGIN_MAX_FAILURES_PER_IP ? ip.msBeforeNext : 0,
      ];
      const wait = Math.max(...waits);
      return wait > 0 ? seconds(wait) : 0;
    },
    async recordFailure(email, clientIp) {
      const results = await Promise.allSettled([perAccount.consume(accountKey(email)), perIp.consume(clientIp || 'unknown')]);
      let wait = 0;
      for (const result of results) {
        if (result.status === 'rejected') {
          if (!(result.reason instanceof RateLimiterRes)) throw result.reason;
          wait = Math.max(wait, result.reason.msBeforeNext);
        }
      }
      return wait > 0 ? seconds(wait) : 0;
    },
    async recordSuccess(email) {
      await perAccount.delete(accountKey(email));
    },
  };
}
