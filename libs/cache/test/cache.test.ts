import { createLogger } from '@supergraph/logger';
import { closeRedis, createRedisClient, waitForReady, type RedisClient } from '@supergraph/redis';
import { testEnv } from '@supergraph/testing';
import { createCache, type Cache } from '../src';

const logger = createLogger({ service: 'test', level: 'silent' });
let redis: RedisClient;
let cache: Cache;

beforeEach(async () => {
  const env = testEnv('cache');
  redis = createRedisClient('cache-test', { REDIS_URL: env.REDIS_URL, REDIS_KEY_PREFIX: env.REDIS_KEY_PREFIX }, logger, {
    failFast: true,
  });
  cache = createCache({ redis, namespace: 'things', logger, entityTtlSeconds: 60, listTtlSeconds: 60 });
  expect(await waitForReady(redis)).toBe(true);
});
afterEach(() => closeRedis(redis));

/** A loader that records what it was asked for. */
function recordingLoad(version: { value: number }) {
  const calls: string[][] = [];
  const load = async (ids: string[]) => {
    calls.push(ids);
    return new Map(
      ids
        .filter((id) => id !== 'missing')
        .map((id) => [id, { id, version: version.value, at: new Date('2026-01-01T00:00:00Z') }]),
    );
  };
  return { calls, load };
}

describe('entities', () => {
  it('loads misses once, serves hits from Redis with Dates intact, and never caches a missing entity', async () => {
    const { calls, load } = recordingLoad({ value: 1 });
    await cache.entities('thing', ['a', 'b', 'missing'], load);
    const again = await cache.entities('thing', ['a', 'b', 'missing'], load);
    expect(calls).toEqual([['a', 'b', 'missing'], ['missing']]);
    expect(again.get('a')).toEqual({ id: 'a', version: 1, at: new Date('2026-01-01T00:00:00Z') });
    expect(again.has('missing')).toBe(false);
    expect(cache.stats).toMatchObject({ hits: 2, misses: 4, errors: 0 });
  });

  it('serves the new value right after an invalidation', async () => {
    const version = { value: 1 };
    const { load } = recordingLoad(version);
    await cache.entities('thing', ['a'], load);
    version.value = 2;
    await cache.invalidate([cache.entityKey('thing', 'a')]);
    expect((await cache.entities('thing', ['a'], load)).get('a')).toMatchObject({ version: 2 });
  });

  it('never lets a slow reader store an old value over a newer write', async () => {
    const version = { value: 1 };
    let release!: () => void;
    const slow = async (ids: string[]) => {
      const seen = version.value; // read "the database" now...
      await new Promise<void>((resolve) => (release = resolve));
      return new Map(ids.map((id) => [id, { id, version: seen }])); // ...answer later
    };
    const reading = cache.entities('thing', ['a'], slow);
    await new Promise((resolve) => setTimeout(resolve, 50));
    version.value = 2; // a write lands and invalidates while the reader is busy
    await cache.invalidate([cache.entityKey('thing', 'a')]);
    release();
    expect((await reading).get('a')).toMatchObject({ version: 1 });
    const { load } = recordingLoad(version);
    expect((await cache.entities('thing', ['a'], load)).get('a')).toMatchObject({ version: 2 });
  });
});

describe('lists', () => {
  it('caches results per variant and drops them when a family they depend on changes', async () => {
    let calls = 0;
    const load = async () => ({ page: ++calls });
    expect(await cache.list(['feed'], '10', load)).toEqual({ page: 1 });
    expect(await cache.list(['feed'], '10', load)).toEqual({ page: 1 });
    expect(await cache.list(['feed'], '20', load)).toEqual({ page: 2 });
    await cache.invalidate([cache.listKey('feed')]);
    expect(await cache.list(['feed'], '10', load)).toEqual({ page: 3 });
  });

  it('answers many lists in one call, loading only the misses', async () => {
    await cache.lists([{ id: 'x', dependsOn: ['author:1'], variant: '5' }], async () => new Map([['x', ['p1']]]));
    const asked: string[][] = [];
    const found = await cache.lists(
      [
        { id: 'x', dependsOn: ['author:1'], variant: '5' },
        { id: 'y', dependsOn: ['author:2'], variant: '5' },
      ],
      async (missing) => {
        asked.push(missing.map((request) => request.id));
        return new Map(missing.map((request) => [request.id, ['p2']]));
      },
    );
    expect(asked).toEqual([['y']]);
    expect(found).toEqual(
      new Map([
        ['x', ['p1']],
        ['y', ['p2']],
      ]),
    );
  });
});

describe('without Redis', () => {
  it('fails open: reads go to the loader, invalidations wait, nothing throws', async () => {
    const down = createRedisClient('cache-down', { REDIS_URL: 'redis://127.0.0.1:1' }, logger, { failFast: true });
    const offline = createCache({ redis: down, namespace: 'things', logger, entityTtlSeconds: 60, listTtlSeconds: 60 });
    try {
      const { calls, load } = recordingLoad({ value: 1 });
      expect((await offline.entities('thing', ['a'], load)).get('a')).toMatchObject({ version: 1 });
      await expect(offline.invalidate([offline.entityKey('thing', 'a')])).resolves.toBeUndefined();
      expect(await offline.list(['feed'], '1', async () => 'from the database')).toBe('from the database');
      expect(calls).toEqual([['a']]);
      expect(offline.stats.errors).toBeGreaterThan(0);
    } finally {
      await closeRedis(down);
    }
  });
});
