import type { Identity } from '@supergraph/identity';
import type { RedisClient } from '@supergraph/redis';
import { GraphQLError } from 'graphql';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

/** Rate limits; names match the config variables. */
export interface RateLimitSettings {
  RATE_LIMIT_USER_POINTS: number;
  RATE_LIMIT_IP_POINTS: number;
  RATE_LIMIT_WINDOW_SECONDS: number;
}

/**
 * Requests per window, per signed-in user or else per client address, counted in Redis so
 * every gateway replica shares one count. While Redis is unreachable, each replica counts in
 * memory instead (the insurance limiter), so limits hold roughly rather than vanish.
 */
export function createRateLimiter(redis: RedisClient, settings: RateLimitSettings) {
  const limiter = (keyPrefix: string, points: number) =>
    new RateLimiterRedis({
      storeClient: redis,
      keyPrefix,
      points,
      duration: settings.RATE_LIMIT_WINDOW_SECONDS,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration: settings.RATE_LIMIT_WINDOW_SECONDS }),
    });
  const perUser = limiter('gateway:rl:user', settings.RATE_LIMIT_USER_POINTS);
  const perIp = limiter('gateway:rl:ip', settings.RATE_LIMIT_IP_POINTS);
  return async function checkRateLimit(identity: Identity): Promise<void> {
    try {
      if (identity.userId) await perUser.consume(identity.userId);
      else await perIp.consume(identity.clientIp || 'unknown');
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      const retryAfterSeconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      throw new GraphQLError(`Too many requests. Try again in ${retryAfterSeconds} seconds.`, {
        extensions: {
          code: 'RATE_LIMITED',
          retryAfterSeconds,
          http: { status: 429, headers: new Map([['retry-after', String(retryAfterSeconds)]]) },
        },
      });
    }
  };
}
