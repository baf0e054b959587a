import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

/** Limits on failed sign-ins; see {@link createSignInThrottle}. */
export interface SignInThrottleOptions {
  /** Failed sign-ins allowed per client address within the window. @defaultValue 10 */
  maxFailuresPerAddress?: number;
  /**
   * Failed sign-ins allowed from all addresses together within the window. Once used up, nobody
   * can sign in until the block ends, not even with the right password. @defaultValue 100
   */
  maxFailures?: number;
  /** The window, and how long a block lasts once an allowance is used up. @defaultValue 900 */
  windowSeconds?: number;
  /** Prefix of the Redis keys. @defaultValue 'queue-dashboard:sign-in-fail' */
  keyPrefix?: string;
  /** Called once when an address (or everyone: `address` is '*') uses its allowance up. */
  onBlocked?: (address: string, retryAfterSeconds: number) => void;
}

/** Failed sign-in counters, shared through Redis by every process that uses the same keys. */
export interface SignInThrottle {
  /** Seconds until `address` may try again, 0 when it may try now. */
  retryAfter(address: string): Promise<number>;
  /** Counts a failure from `address`; returns seconds to wait when it went over an allowance, else 0. */
  recordFailure(address: string): Promise<number>;
}

const EVERYONE = '*';
const seconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new TypeError(`${name}: expected a positive integer, got ${value}`);
  return value;
}

/**
 * Counts failed sign-ins per client address and overall in Redis (`rate-limiter-flexible`),
 * blocking for the window once an allowance is used up. A Redis error or a connection that is not
 * ready falls back to counters in this process (insurance limiters), so the limits hold while
 * Redis is away. An address counts towards the overall allowance only while it is not blocked
 * itself, so one address cannot lock everyone out.
 */
export function createSignInThrottle(redis: Redis, options: SignInThrottleOptions = {}): SignInThrottle {
  const perAddressMax = positiveInt('maxFailuresPerAddress', options.maxFailuresPerAddress ?? 10);
  const overallMax = positiveInt('maxFailures', options.maxFailures ?? 100);
  const window = positiveInt('windowSeconds', options.windowSeconds ?? 900);
  const keyPrefix = options.keyPrefix ?? 'queue-dashboard:sign-in-fail';
  const limiter = (scope: string, points: number) =>
    new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${keyPrefix}:${scope}`,
      points,
      duration: window,
      blockDuration: window,
      // Fail over at once rather than queue behind a dead connection.
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix: `${keyPrefix}:${scope}`, points, duration: window }),
    });
  const perAddress = limiter('address', perAddressMax);
  const overall = limiter('all', overallMax);

  /** Counts one failure; the wait in ms when it went over the allowance, else 0. */
  const consume = async (rateLimiter: RateLimiterRedis, key: string, max: number): Promise<number> => {
    try {
      const result = await rateLimiter.consume(key);
      // Exactly one failure uses the allowance up (the count is atomic): from now on, 429.
      if (result.consumedPoints === max) options.onBlocked?.(key, seconds(result.msBeforeNext));
      return 0;
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      return error.msBeforeNext;
    }
  };

  return {
    async retryAfter(address) {
      const [mine, everyone] = await Promise.all([perAddress.get(address), overall.get(EVERYONE)]);
      const wait = Math.max(
        mine && mine.consumedPoints >= perAddressMax ? mine.msBeforeNext : 0,
        everyone && everyone.consumedPoints >= overallMax ? everyone.msBeforeNext : 0,
      );
      return wait > 0 ? seconds(wait) : 0;
    },
    async recordFailure(address) {
      const mine = await consume(perAddress, address, perAddressMax);
      if (mine > 0) return seconds(mine);
      const everyone = await consume(overall, EVERYONE, overallMax);
      return everyone > 0 ? seconds(everyone) : 0;
    },
  };
}
