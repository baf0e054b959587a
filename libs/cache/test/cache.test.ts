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

/** A loader that reads "the database" when called and answers when released, recording what it was asked for. */
function heldLoad<T>(answer: (ids: string[]) => T) {
  const calls: string[][] = [];
  const waiting: Array<() => void> = [];
  const load = async (ids: string[]) => {
    calls.push(ids);
    const value = answer(ids);
    await new Promise<void>((resolve) => waiting.push(resolve));
    return value;
  };
  /** Lets every load asked for so far answer. */
  const release = () => waiting.splice(0).forEach((resolve) => resolve());
  return { calls, load, release };
}

/** Waits until `count` loads were asked for (they start after Redis answered). */
async function loadsAsked(calls: readonly unknown[], count: number): Promise<void> {
  for (let i = 0; i < 200 && calls.length < count; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(calls).toHaveLength(count);
}

describe('concurrent misses', () => {
  it('share one load per entity: readers of the same ids wait for the load already running', async () => {
    const { calls, load, release } = heldLoad((ids) => new Map(ids.map((id) => [id, { id }])));
    const first = cache.entities('thing', ['a', 'b'], load);
    await loadsAsked(calls, 1);
    const others = [cache.entities('thing', ['a', 'b'], load), cache.entities('thing', ['b', 'c'], load)];
    await loadsAsked(calls, 2);
    release();
    const [a, ...rest] = await Promise.all([first, ...others]);
    expect(calls).toEqual([['a', 'b'], ['c']]);
    expect([...a!.keys()]).toEqual(['a', 'b']);
    expect([...rest[1]!.keys()].sort()).toEqual(['b', 'c']);
  });

  it('share one load per list, and a load that fails fails its readers only once', async () => {
    const { calls, load, release } = heldLoad(() => ({ page: 1 }));
    const readers = Array.from({ length: 5 }, () => cache.list(['feed'], '10', () => load(['feed'])));
    await loadsAsked(calls, 1);
    release();
    expect(await Promise.all(readers)).toEqual(Array.from({ length: 5 }, () => ({ page: 1 })));
    expect(calls).toHaveLength(1);

    await cache.invalidate([cache.listKey('feed')]);
    let attempts = 0;
    const failing = async () => {
      attempts += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
      throw new Error('database down');
    };
    const results = await Promise.allSettled([cache.list(['feed'], '10', failing), cache.list(['feed'], '10', failing)]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(attempts).toBe(1);
    expect(await cache.list(['feed'], '10', async () => ({ page: 2 }))).toEqual({ page: 2 });
  });

  it('load a list invalidated during its load once more for all newer readers, after the older load', async () => {
    const version = { value: 1 };
    const { calls, load, release } = heldLoad(() => ({ version: version.value }));
    const old = cache.list(['feed'], '10', () => load(['feed']));
    await loadsAsked(calls, 1);
    version.value = 2;
    await cache.invalidate([cache.listKey('feed')]);
    const newer = Array.from({ length: 3 }, () => cache.list(['feed'], '10', () => load(['feed'])));
    // They wait for the load already running (it read the database before the write) instead of adding theirs.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls).toHaveLength(1);
    release();
    await loadsAsked(calls, 2);
    release();
    expect(await old).toEqual({ version: 1 });
    expect(await Promise.all(newer)).toEqual([{ version: 2 }, { version: 2 }, { version: 2 }]);
  });
});

describe('primeCreated', () => {
  it('stores a new entity so that its first read needs no load, until it is written again', async () => {
    const { calls, load } = recordingLoad({ value: 2 });
    await cache.primeCreated('thing', 'fresh', { id: 'fresh', version: 1 });
    expect((await cache.entities('thing', ['fresh'], load)).get('fresh')).toEqual({ id: 'fresh', version: 1 });
    expect(calls).toEqual([]);
    await cache.invalidate([cache.entityKey('thing', 'fresh')]);
    expect((await cache.entities('thing', ['fresh'], load)).get('fresh')).toMatchObject({ version: 2 });
    expect(calls).toEqual([['fresh']]);
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
