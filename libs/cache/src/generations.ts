import type { RedisClient } from '@supergraph/redis';

/**
 * A generation counter per cached thing (an entity, a list). Cached values are stored under
 * their generation, and a write bumps it: readers then miss, and a slow reader that fetched the
 * old value before the write can only store it under the old generation, where no one looks.
 *
 * A counter that is missing (never set, expired or evicted) starts from the current time in
 * microseconds, so it never goes back to a number an old cached value may still be stored under.
 */
const BUMP = `
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('SET', KEYS[1], ARGV[1]) end
redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
return 1
`;

const now = () => String(Date.now() * 1000);

// Single-key commands issued together: ioredis auto-pipelines them (per node in a cluster),
// where a multi-key MGET would fail across cluster slots.

/** Reads the generations of `keys`, creating missing ones. */
export async function readGenerations(redis: RedisClient, keys: readonly string[], ttlSeconds: number): Promise<string[]> {
  const found = await Promise.all(keys.map((key) => redis.get(key)));
  if (found.every((value) => value !== null)) return found as string[];
  const start = now();
  return Promise.all(
    keys.map(async (key, index) => {
      const value = found[index];
      if (value !== null && value !== undefined) return value;
      await redis.set(key, start, 'EX', ttlSeconds, 'NX');
      return (await redis.get(key)) ?? start;
    }),
  );
}

/** Bumps generations, so everything cached under the old ones is never read again. */
export async function bumpGenerations(redis: RedisClient, keys: readonly string[], ttlSeconds: number): Promise<void> {
  await Promise.all(keys.map((key) => redis.eval(BUMP, 1, key, now(), ttlSeconds)));
}
