import { ConfigError, loadConfig, checkConnections } from './load-config';
import { identityVars, mongoVars, processVars, redisVars, secret, workerVars } from './vars';

const shape = { ...processVars, ...mongoVars, ...redisVars, ...workerVars };
const base = { MONGO_URL: 'mongodb://db:27017/app', REDIS_URL: 'redis://cache:6379' };
const load = (env: Record<string, string>) => loadConfig(shape, { ...base, ...env }, checkConnections);

describe('presets', () => {
  it('starter is the default', () => {
    expect(load({})).toMatchObject({ PRESET: 'starter', DB_POOL_SIZE: 10, DB_MIN_POOL_SIZE: 1, WORKER_CONCURRENCY: 5 });
  });

  it('growth sets its pool, idle time and worker defaults', () => {
    expect(load({ PRESET: 'growth' })).toMatchObject({
      DB_POOL_SIZE: 50,
      DB_MIN_POOL_SIZE: 10,
      DB_MAX_IDLE_TIME_MS: 30_000,
      WORKER_CONCURRENCY: 20,
    });
  });

  it('high-scale sets its pool, wait queue, worker and shutdown defaults', () => {
    expect(load({ PRESET: 'high-scale' })).toMatchObject({
      DB_POOL_SIZE: 100,
      DB_MIN_POOL_SIZE: 50,
      DB_WAIT_QUEUE_TIMEOUT_MS: 5_000,
      WORKER_CONCURRENCY: 50,
      DISABLE_STALLED_JOB_CHECK: false,
      SHUTDOWN_TIMEOUT_MS: 30_000,
    });
  });

  it('lets every variable override its preset', () => {
    const config = load({
      PRESET: 'high-scale',
      DB_POOL_SIZE: '120',
      WORKER_CONCURRENCY: '7',
      SHUTDOWN_TIMEOUT_MS: '1000',
      DISABLE_STALLED_JOB_CHECK: 'true',
    });
    expect(config).toMatchObject({
      DB_POOL_SIZE: 120,
      DB_MIN_POOL_SIZE: 50,
      WORKER_CONCURRENCY: 7,
      SHUTDOWN_TIMEOUT_MS: 1000,
      DISABLE_STALLED_JOB_CHECK: true,
    });
  });

  it('treats an empty variable as unset', () => {
    expect(load({ DB_POOL_SIZE: '' }).DB_POOL_SIZE).toBe(10);
  });
});

describe('invalid config', () => {
  it('names every bad variable and why, in one message', () => {
    let thrown: unknown;
    try {
      loadConfig(
        shape,
        {
          PRESET: 'huge',
          MONGO_URL: 'postgres://x',
          DB_POOL_SIZE: 'many',
          REDIS_CLUSTER_NODES: 'a:1,b',
          DB_READ_PREFERENCE: 'closest',
        },
        checkConnections,
      );
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const { message, problems } = thrown as ConfigError;
    expect(problems.map((problem) => problem.split(':')[0])).toEqual(
      expect.arrayContaining(['PRESET', 'MONGO_URL', 'DB_POOL_SIZE', 'DB_READ_PREFERENCE', 'REDIS_CLUSTER_NODES.1']),
    );
    expect(message).toContain('DB_POOL_SIZE: Invalid input: expected number');
    expect(message).toContain('MONGO_URL: must be a mongodb:// or mongodb+srv:// URL');
    // An unknown preset is one problem, not a cascade of missing preset values.
    expect(message).not.toContain('DB_MIN_POOL_SIZE');
  });

  it('refuses unsigned subgraph requests in production', () => {
    const withIdentity = { ...shape, IDENTITY_OPTIONAL: identityVars.IDENTITY_OPTIONAL };
    const env = { ...base, IDENTITY_OPTIONAL: 'true' };
    expect(loadConfig(withIdentity, { ...env, NODE_ENV: 'development' }, checkConnections).IDENTITY_OPTIONAL).toBe(true);
    expect(() => loadConfig(withIdentity, { ...env, NODE_ENV: 'production' }, checkConnections)).toThrow(
      /IDENTITY_OPTIONAL: must not be true in production/,
    );
  });

  it('requires Redis one way or the other', () => {
    expect(() => loadConfig(shape, { MONGO_URL: base.MONGO_URL }, checkConnections)).toThrow(/REDIS_URL: is required/);
  });

  it('rejects a minimum pool larger than the pool', () => {
    expect(() => load({ DB_POOL_SIZE: '5', DB_MIN_POOL_SIZE: '6' })).toThrow(/DB_MIN_POOL_SIZE: must not exceed DB_POOL_SIZE/);
  });

  it('has outbox timing defaults, and rejects a backoff ceiling below its first step', () => {
    expect(load({})).toMatchObject({
      OUTBOX_SWEEP_MS: 5_000,
      OUTBOX_GRACE_MS: 30_000,
      OUTBOX_BACKOFF_MS: 30_000,
      OUTBOX_BACKOFF_MAX_MS: 3_600_000,
      OUTBOX_SCAN_MS: 600_000,
    });
    expect(() => load({ OUTBOX_BACKOFF_MS: '60000', OUTBOX_BACKOFF_MAX_MS: '1000' })).toThrow(
      /OUTBOX_BACKOFF_MAX_MS: must not be below OUTBOX_BACKOFF_MS \(1000 < 60000\)/,
    );
  });

  it('never echoes a secret', () => {
    expect(() => loadConfig({ JWT_SECRET: secret }, { JWT_SECRET: 'hunter2' })).toThrow(
      'JWT_SECRET: must be at least 32 characters (got "<redacted>")',
    );
  });
});
