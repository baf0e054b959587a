import { createLogger } from '@supergraph/logger';
import { testEnv } from '@supergraph/testing';
import { closeRedis, createRedisClient, isRedisUnavailableError, type RedisClientOptions } from '../src';

/** What each kind of our clients rejects a command with when Redis is not there, as ioredis really makes it. */
const logger = createLogger({ service: 'test', level: 'silent' });

describe('isRedisUnavailableError', () => {
  it.each<[string, RedisClientOptions]>([
    ['a state client (offline queue, one retry)', {}],
    ['a fail-fast cache client', { failFast: true }],
  ])('recognises what %s rejects with while Redis is down', async (_kind, options) => {
    // Port 1: nothing listens there, every connection is refused.
    const client = createRedisClient('unreachable', { REDIS_URL: 'redis://127.0.0.1:1' }, logger, options);
    try {
      const error = await client.get('k').then(
        () => undefined,
        (rejected: unknown) => rejected,
      );
      expect(error).toBeInstanceOf(Error);
      expect(isRedisUnavailableError(error)).toBe(true);
    } finally {
      await closeRedis(client);
    }
  });

  it('does not take a command Redis refuses for an outage', async () => {
    const env = testEnv('unavailable');
    const client = createRedisClient('wrong-type', { REDIS_URL: env.REDIS_URL, REDIS_KEY_PREFIX: env.REDIS_KEY_PREFIX }, logger);
    try {
      await client.set('unavailable-error-test', 'text');
      const error = await client.incr('unavailable-error-test').then(
        () => undefined,
        (rejected: unknown) => rejected,
      );
      expect(error).toBeInstanceOf(Error);
      expect(isRedisUnavailableError(error)).toBe(false);
      await client.del('unavailable-error-test');
    } finally {
      await closeRedis(client);
    }
  });
});
