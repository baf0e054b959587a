import type { Logger } from '@supergraph/logger';
import type { RedisClient } from '@supergraph/redis';
import { decode, encode } from './codec';
import { bumpGenerations, readGenerations } from './generations';
import { createSingleFlight } from './single-flight';

/** How many loads of a list a miss waits for before it loads anyway. */
const MAX_LIST_WAITS = 3;

/** The prefix of every key the cache writes (`cache:<namespace>:...`). */
export const CACHE_PREFIX = 'cache:';

/** Options for {@link createCache}. */
export interface CacheOptions {
  /** A fail-fast client (`createRedisClient(..., { failFast: true })`). */
  redis: RedisClient;
  /** Keeps keys apart per subgraph, e.g. `posts`. */
  namespace: string;
  logger: Logger;
  /** Lifetime of a cached entity. */
  entityTtlSeconds: number;
  /** Lifetime of a cached list or query result. */
  listTtlSeconds: number;
  /** Invalidations remembered while Redis is unreachable, replayed when it is back. @defaultValue 10000 */
  maxPendingInvalidations?: number;
}

/** One cached query result: `id` names it for the caller; `dependsOn` lists its list families. */
export interface ListRequest {
  id: string;
  dependsOn: readonly string[];
  variant: string;
}

/** Counts of what the cache did, for tests and metrics. */
export interface CacheStats {
  hits: number;
  misses: number;
  errors: number;
}

/**
 * A read-through cache in Redis that never serves a value older than the last write it was told
 * about, and never fails a request: with Redis down every read is a miss and every write is
 * remembered for later.
 */
export interface Cache {
  /** The generation key of one entity; pass it to {@link Cache.invalidate} after writing it. */
  entityKey(kind: string, id: string): string;
  /** The generation key of a family of lists, e.g. `feed` or `author:<id>`. */
  listKey(name: string): string;
  /**
   * Entities by id: cached ones from Redis, the rest from `load` (which gets only the misses)
   * and stored. Missing entities are not cached.
   */
  entities<T>(kind: string, ids: readonly string[], load: (ids: string[]) => Promise<Map<string, T>>): Promise<Map<string, T>>;
  /** One query result cached under the generations of the lists it depends on. */
  list<T>(dependsOn: readonly string[], variant: string, load: () => Promise<T>): Promise<T>;
  /**
   * Many query results at once (e.g. the first page of each of 50 authors): one Redis round for
   * all of them, and one `load` call with only the requests that missed.
   */
  lists<T>(requests: readonly ListRequest[], load: (missing: ListRequest[]) => Promise<Map<string, T>>): Promise<Map<string, T>>;
  /**
   * Stores an entity the caller has just created under an id no one else knew, so no other write
   * of it can have happened: its first read then needs no query. Only for that case (a value read
   * back from MongoDB goes through {@link Cache.entities}). Never throws.
   */
  primeCreated<T>(kind: string, id: string, value: T): Promise<void>;
  /** Bumps generations after a write. Never throws; replayed later when Redis is down. */
  invalidate(keys: readonly string[]): Promise<void>;
  stats: CacheStats;
}

export function createCache(options: CacheOptions): Cache {
  const { redis, logger, entityTtlSeconds, listTtlSeconds } = options;
  if (!/^[\w-]+$/.test(options.namespace))
    throw new TypeError(`createCache: invalid namespace ${JSON.stringify(options.namespace)}`);
  // Every cache key starts with `cache:`, apart from state kept in Redis for good (sessions).
  const namespace = `${CACHE_PREFIX}${options.namespace}`;
  const maxPending = options.maxPendingInvalidations ?? 10_000;
  const genTtl = Math.max(entityTtlSeconds, listTtlSeconds) * 2;
  const pending = new Set<string>();
  let overflowed = false;
  // After dropped invalidations, entries written before them are trusted only once expired.
  let bypassUntil = 0;
  const stats: CacheStats = { hits: 0, misses: 0, errors: 0 };
  let lastError = 0;
  // Concurrent misses of one key (one value at one generation) share one load.
  const flights = createSingleFlight();
  /**
   * The load of each list (its families and variant) running in this process, with the key
   * (generation) it loads. A miss of a newer generation waits for it to end before loading: a
   * list invalidated faster than it loads (the feed, under many writers) then costs one load at
   * a time, not one more per write.
   */
  const listLoads = new Map<string, { key: string; done: Promise<unknown> }>();
  const listIdentity = (request: ListRequest) => `${request.dependsOn.join('+')}:${request.variant}`;

  const failed = (error: unknown, what: string) => {
    stats.errors += 1;
    // One line per second at most: an outage must not flood the logs.
    if (Date.now() - lastError > 1_000)
      logger.warn({ err: error instanceof Error ? error.message : String(error), what }, 'cache unavailable, using the database');
    lastError = Date.now();
  };

  const replay = async () => {
    if (pending.size === 0) return;
    const keys = [...pending];
    try {
      await bumpGenerations(redis, keys, genTtl);
      for (const key of keys) pending.delete(key);
      if (overflowed) {
        bypassUntil = Date.now() + Math.max(entityTtlSeconds, listTtlSeconds) * 1000;
        overflowed = false;
      }
      logger.info({ count: keys.length }, 'cache invalidations replayed');
    } catch (error) {
      failed(error, 'replay');
    }
  };
  redis.on('ready', () => void replay());

  // While invalidations are pending, Redis may hold values older than a write: do not read it.
  const usable = () => pending.size === 0 && Date.now() >= bypassUntil;

  const entityKey = (kind: string, id: string) => `${namespace}:gen:${kind}:{${id}}`;
  const listKey = (name: string) => `${namespace}:gen:list:{${name}}`;

  const lists = async <T>(
    requests: readonly ListRequest[],
    load: (missing: ListRequest[]) => Promise<Map<string, T>>,
    waits = 0,
  ): Promise<Map<string, T>> => {
    const result = new Map<string, T>();
    if (requests.length === 0) return result;
    if (!usable()) return load([...requests]);
    let keys: string[];
    let cached: Array<string | null>;
    try {
      const families = [...new Set(requests.flatMap((request) => request.dependsOn))];
      const gens = await readGenerations(redis, families.map(listKey), genTtl);
      const genOf = new Map(families.map((family, index) => [family, gens[index]]));
      keys = requests.map(
        (request) =>
          `${namespace}:list:${request.dependsOn.join('+')}:${request.dependsOn.map((family) => genOf.get(family)).join('.')}:${request.variant}`,
      );
      cached = await Promise.all(keys.map((key) => redis.get(key)));
    } catch (error) {
      failed(error, 'read lists');
      stats.misses += requests.length;
      return load([...requests]);
    }
    const missing: ListRequest[] = [];
    requests.forEach((request, index) => {
      const text = cached[index];
      if (text) result.set(request.id, decode<T>(text));
      else missing.push(request);
    });
    stats.hits += requests.length - missing.length;
    stats.misses += missing.length;
    if (missing.length === 0) return result;
    const keyOf = new Map(requests.map((request, index) => [request, keys[index] as string]));
    const older = missing.flatMap((request) => {
      const running = listLoads.get(listIdentity(request));
      return running && running.key !== keyOf.get(request) ? [running.done] : [];
    });
    if (older.length > 0 && waits < MAX_LIST_WAITS) {
      // Then read again: the list is probably cached by now, or loading at our generation.
      await Promise.all(older.map((done) => done.catch(() => undefined)));
      stats.misses -= missing.length;
      for (const [id, value] of await lists(missing, load, waits + 1)) result.set(id, value);
      return result;
    }
    const byKey = new Map(missing.map((request) => [keyOf.get(request) as string, request]));
    const loaded = await flights.run<{ value: T }>([...byKey.keys()], async (started) => {
      const wanted = started.map((key) => byKey.get(key) as ListRequest);
      // Done once the loaded lists are stored, so that a miss waiting for it then finds them.
      let finish!: () => void;
      const done = new Promise<void>((resolve) => (finish = resolve));
      for (const request of wanted) {
        const identity = listIdentity(request);
        const entry = { key: keyOf.get(request) as string, done };
        listLoads.set(identity, entry);
        void done.then(() => {
          if (listLoads.get(identity) === entry) listLoads.delete(identity);
        });
      }
      try {
        const values = await load(wanted);
        const found = new Map<string, { value: T }>();
        const writes: Array<Promise<unknown>> = [];
        for (const request of wanted) {
          if (!values.has(request.id)) continue;
          const value = values.get(request.id) as T;
          found.set(keyOf.get(request) as string, { value });
          writes.push(redis.set(keyOf.get(request) as string, encode(value), 'EX', listTtlSeconds));
        }
        await Promise.all(writes).catch((error: unknown) => failed(error, 'write lists'));
        return found;
      } finally {
        finish();
      }
    });
    for (const request of missing) {
      const entry = loaded.get(keyOf.get(request) as string);
      if (entry) result.set(request.id, entry.value);
    }
    return result;
  };

  return {
    entityKey,
    lists,
    listKey,
    stats,
    async entities(kind, ids, load) {
      const unique = [...new Set(ids)];
      if (!usable()) return load(unique);
      let gens: string[];
      let cached: Array<string | null>;
      try {
        gens = await readGenerations(
          redis,
          unique.map((id) => entityKey(kind, id)),
          genTtl,
        );
        const valueKey = (id: string, index: number) => `${namespace}:${kind}:{${id}}:${gens[index]}`;
        cached = await Promise.all(unique.map((id, index) => redis.get(valueKey(id, index))));
      } catch (error) {
        failed(error, `read ${kind}`);
        stats.misses += unique.length;
        return load(unique);
      }
      const result = new Map<string, ReturnType<typeof decode<never>>>();
      const misses: string[] = [];
      unique.forEach((id, index) => {
        const text = cached[index];
        if (text) result.set(id, decode(text));
        else misses.push(id);
      });
      stats.hits += unique.length - misses.length;
      stats.misses += misses.length;
      if (misses.length === 0) return result;
      const keyOf = new Map(misses.map((id) => [id, `${namespace}:${kind}:{${id}}:${gens[unique.indexOf(id)]}`]));
      const idOf = new Map([...keyOf].map(([id, key]) => [key, id]));
      const loaded = await flights.run([...idOf.keys()], async (started) => {
        const values = await load(started.map((key) => idOf.get(key) as string));
        const found = new Map<string, unknown>();
        const writes: Array<Promise<unknown>> = [];
        for (const [id, value] of values) {
          const key = keyOf.get(id);
          if (key === undefined) continue;
          found.set(key, value);
          writes.push(redis.set(key, encode(value), 'EX', entityTtlSeconds));
        }
        await Promise.all(writes).catch((error: unknown) => failed(error, `write ${kind}`));
        return found;
      });
      for (const id of misses) {
        const value = loaded.get(keyOf.get(id) as string);
        if (value !== undefined) result.set(id, value as never);
      }
      return result;
    },
    async primeCreated(kind, id, value) {
      if (!usable()) return;
      try {
        const [gen] = await readGenerations(redis, [entityKey(kind, id)], genTtl);
        await redis.set(`${namespace}:${kind}:{${id}}:${gen}`, encode(value), 'EX', entityTtlSeconds);
      } catch (error) {
        failed(error, `prime ${kind}`);
      }
    },
    async list(dependsOn, variant, load) {
      const found = await lists([{ id: 'one', dependsOn, variant }], async () => new Map([['one', await load()]]));
      return found.get('one') as Awaited<ReturnType<typeof load>>;
    },
    async invalidate(keys) {
      if (keys.length === 0) return;
      try {
        await bumpGenerations(redis, keys, genTtl);
      } catch (error) {
        failed(error, 'invalidate');
        for (const key of keys) {
          if (pending.size < maxPending) pending.add(key);
          else overflowed = true;
        }
        if (overflowed)
          logger.error(
            { max: maxPending },
            'too many pending cache invalidations: the cache is bypassed until its entries expire',
          );
      }
    },
  };
}
