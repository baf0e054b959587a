import { ConfigError, checkConnections, loadConfig } from './load-config';
import { mongoVars, processVars, redisVars, workerVars } from './vars';

const shape = { ...processVars, ...mongoVars, ...redisVars, ...workerVars };
const base = { MONGO_URL: 'mongodb://db:27017/app', REDIS_URL: 'redis://state:6379' };
const load = (env: Record<string, string>) => loadConfig(shape, { ...base, ...env }, checkConnections);

describe('Redis role variables', () => {
  it('take the cache Redis apart from the durable one, as a URL or cluster nodes', () => {
    expect(load({ CACHE_REDIS_URL: 'rediss://cache:6380' })).toMatchObject({
      REDIS_URL: 'redis://state:6379',
      CACHE_REDIS_URL: 'rediss://cache:6380',
    });
    expect(load({ CACHE_REDIS_CLUSTER_NODES: 'c1:7000, c2:7001' }).CACHE_REDIS_CLUSTER_NODES).toEqual(['c1:7000', 'c2:7001']);
    const unset = load({});
    expect([unset.CACHE_REDIS_URL, unset.CACHE_REDIS_CLUSTER_NODES]).toEqual([undefined, undefined]);
  });

  it('name a bad cache Redis variable', () => {
    let error: unknown;
    try {
      load({ CACHE_REDIS_URL: 'http://cache:6380', CACHE_REDIS_CLUSTER_NODES: 'c1' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      expect.stringMatching(/^CACHE_REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/),
      expect.stringMatching(/^CACHE_REDIS_CLUSTER_NODES\.0: each node must be host:port/),
    ]);
  });

  it('do not stand in for the durable Redis, which stays required', () => {
    expect(() =>
      loadConfig(shape, { MONGO_URL: base.MONGO_URL, CACHE_REDIS_URL: 'redis://cache:6380' }, checkConnections),
    ).toThrow(/REDIS_URL: is required/);
  });
});
