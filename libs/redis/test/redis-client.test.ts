import { createLogger } from '@supergraph/logger';
import { testEnv } from '@supergraph/testing';
import { Cluster, Redis } from 'ioredis';
import { startRedisCluster, type TestRedisCluster } from '../../../test/support/redis-cluster';
import { cacheRedisSettings, closeRedis, createRedisClient, pingRedis, retryDelay } from '../src';

const logger = createLogger({ service: 'test', level: 'silent' });

describe('createRedisClient', () => {
  it('makes a labelled single-node client with a key prefix', async () => {
    const env = testEnv('redis');
    const client = createRedisClient('labelled', { REDIS_URL: env.REDIS_URL, REDIS_KEY_PREFIX: env.REDIS_KEY_PREFIX }, logger);
    try {
      expect(client).toBeInstanceOf(Redis);
      await pingRedis(client);
      await client.set('k', 'v');
      const raw = new Redis(env.REDIS_URL);
      expect(await raw.get(`${env.REDIS_KEY_PREFIX}k`)).toBe('v');
      expect(await raw.client('LIST')).toMatch(/name=labelled/);
      await raw.quit();
    } finally {
      await closeRedis(client);
      await closeRedis(client); // twice is harmless
    }
  });

  it('caps the reconnect delay', () => {
    expect([1, 5, 20, 1000].map((attempt) => retryDelay(attempt, 2_000))).toEqual([100, 500, 2_000, 2_000]);
  });

  it('fails a command fast while Redis is unreachable, and stops reconnecting once closed', async () => {
    const client = createRedisClient('down', { REDIS_URL: 'redis://127.0.0.1:1' }, logger);
    await expect(client.get('k')).rejects.toThrow();
    let attempts = 0;
    client.on('reconnecting', () => (attempts += 1));
    await closeRedis(client);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(attempts).toBe(0);
  });

  it('refuses a config without Redis, and a bad label', () => {
    expect(() => createRedisClient('x', {}, logger)).toThrow(/REDIS_URL or REDIS_CLUSTER_NODES/);
    expect(() => createRedisClient('bad label', { REDIS_URL: 'redis://127.0.0.1:6379' }, logger)).toThrow(TypeError);
  });
});

describe('cacheRedisSettings', () => {
  it('uses the cache variables when either is set, never mixing them with the durable ones', () => {
    const durable = { REDIS_URL: 'redis://state:6379', REDIS_CLUSTER_NODES: ['s1:7000'], REDIS_KEY_PREFIX: 'p:' };
    expect(cacheRedisSettings({ ...durable, CACHE_REDIS_URL: 'redis://cache:6379' })).toEqual({
      REDIS_URL: 'redis://cache:6379',
      REDIS_CLUSTER_NODES: undefined,
      REDIS_KEY_PREFIX: 'p:',
    });
    expect(cacheRedisSettings({ ...durable, CACHE_REDIS_CLUSTER_NODES: ['c1:7000', 'c2:7000'] })).toEqual({
      REDIS_URL: undefined,
      REDIS_CLUSTER_NODES: ['c1:7000', 'c2:7000'],
      REDIS_KEY_PREFIX: 'p:',
    });
  });

  it('falls back to the durable Redis, so one Redis serves both roles', () => {
    expect(cacheRedisSettings({ REDIS_URL: 'redis://one:6379' })).toEqual({
      REDIS_URL: 'redis://one:6379',
      REDIS_CLUSTER_NODES: undefined,
    });
    expect(cacheRedisSettings({ REDIS_CLUSTER_NODES: ['a:1'], CACHE_REDIS_CLUSTER_NODES: [] })).toEqual({
      REDIS_URL: undefined,
      REDIS_CLUSTER_NODES: ['a:1'],
    });
  });
});

describe('createRedisClient against a real Redis Cluster', () => {
  let cluster: TestRedisCluster;
  beforeAll(async () => {
    cluster = await startRedisCluster();
  }, 60_000);
  afterAll(() => cluster?.stop());

  it('makes a cluster client from REDIS_CLUSTER_NODES that reaches every slot', async () => {
    const client = createRedisClient('clustered', { REDIS_CLUSTER_NODES: cluster.nodes }, logger);
    try {
      expect(client).toBeInstanceOf(Cluster);
      await pingRedis(client);
      const keys = Array.from({ length: 50 }, (_, i) => `key-${i}`);
      for (const key of keys) await client.set(key, key.toUpperCase());
      expect(await Promise.all(keys.map((key) => client.get(key)))).toEqual(keys.map((key) => key.toUpperCase()));
      // The keys really are spread over the three masters.
      const masters = (client as Cluster).nodes('master');
      const counts = await Promise.all(masters.map((node) => node.dbsize()));
      expect(counts.filter((count) => count > 0).length).toBe(3);
    } finally {
      await closeRedis(client);
    }
  });
});
