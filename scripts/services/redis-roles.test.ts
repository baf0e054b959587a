import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import {
  freePort,
  REDIS_ROLES,
  redisBytes,
  startLocalServices,
  startRedis,
  type LocalServices,
  type RunningService,
} from './index';

/**
 * The two Redis roles, on real redis-servers started by the project's own starter: the cache role
 * makes room by evicting, the durable role refuses writes rather than lose a key, and the dev
 * stack (startLocalServices, as `npm run dev` and `npm run services start` call it) runs each
 * role with exactly the settings of REDIS_ROLES.
 */
jest.setTimeout(60_000);

const VALUE = 'x'.repeat(1_024);
const folders: string[] = [];
const running: Array<RunningService | LocalServices> = [];
const clients: Redis[] = [];

async function folder(): Promise<string> {
  const path = await mkdtemp(join(tmpdir(), 'supergraph-redis-roles-'));
  folders.push(path);
  return path;
}

function client(port: number): Redis {
  const redis = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 1 });
  clients.push(redis);
  return redis;
}

async function stat(redis: Redis, section: string, name: string): Promise<number> {
  const line = (await redis.info(section)).split('\r\n').find((entry) => entry.startsWith(`${name}:`));
  if (line === undefined) throw new Error(`INFO ${section} has no ${name}`);
  return Number(line.slice(name.length + 1));
}

/** `CONFIG GET` of the given settings, as a name -> value record. */
async function configOf(redis: Redis, names: readonly string[]): Promise<Record<string, string>> {
  const config: Record<string, string> = {};
  for (const name of names) {
    const [key, value] = (await redis.config('GET', name)) as [string, string];
    config[key] = value;
  }
  return config;
}

/** A role's settings as CONFIG GET reports them (sizes in bytes). */
function expected(role: keyof typeof REDIS_ROLES): Record<string, string> {
  return Object.fromEntries(
    Object.entries(REDIS_ROLES[role]).map(([name, value]) => [name, name === 'maxmemory' ? redisBytes(value) : value]),
  );
}

afterAll(async () => {
  await Promise.all(clients.map((redis) => redis.quit().catch(() => redis.disconnect())));
  await Promise.all(running.map((service) => service.stop()));
  await Promise.all(folders.map((path) => rm(path, { recursive: true, force: true })));
});

describe('Redis roles', () => {
  it('the cache role evicts the least recently used keys to take every write when full', async () => {
    const port = await freePort();
    running.push(
      await startRedis({ name: 'redis-cache', port, dataDir: await folder(), role: 'cache', settings: { maxmemory: '2mb' } }),
    );
    const redis = client(port);
    const writes = 5_000; // 5 MiB of values into 2 MiB
    const pipeline = redis.pipeline();
    for (let i = 0; i < writes; i++) pipeline.set(`cache:entry:${i}`, VALUE);
    const results = (await pipeline.exec()) ?? [];
    expect(results.filter(([error]) => error !== null)).toEqual([]);
    expect(await stat(redis, 'stats', 'evicted_keys')).toBeGreaterThan(0);
    const kept = await redis.dbsize();
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(writes);
    // The newest write is there: what went was older.
    expect(await redis.get(`cache:entry:${writes - 1}`)).toBe(VALUE);
  });

  it('the durable role refuses writes when full and loses no key, and keeps them across a kill', async () => {
    const port = await freePort();
    const dataDir = await folder();
    const first = await startRedis({ port, dataDir, role: 'durable', settings: { maxmemory: '2mb' } });
    running.push(first);
    let redis = client(port);
    let written = 0;
    let refusal: unknown;
    for (let i = 0; i < 5_000 && refusal === undefined; i++) {
      try {
        await redis.set(`bull:queue:job:${i}`, VALUE);
        written += 1;
      } catch (error) {
        refusal = error;
      }
    }
    expect(String(refusal)).toMatch(/OOM command not allowed/);
    expect(written).toBeGreaterThan(0);
    expect(await redis.dbsize()).toBe(written);
    expect(await stat(redis, 'stats', 'evicted_keys')).toBe(0);
    // Reads and deletes still work, so a full queue Redis can be drained.
    expect(await redis.get('bull:queue:job:0')).toBe(VALUE);

    // Every acknowledged write is in the append-only file: a SIGKILL loses none of them.
    redis.disconnect();
    process.kill(first.pid!, 'SIGKILL');
    await first.stop(); // waits for the exit
    running.push(await startRedis({ port, dataDir, role: 'durable', settings: { maxmemory: '2mb' } }));
    redis = client(port);
    expect(await redis.dbsize()).toBe(written);
  });

  it('the dev stack runs each role with the settings of REDIS_ROLES (CONFIG GET)', async () => {
    const dataRoot = await folder();
    const services = await startLocalServices({
      mongoPort: await freePort(),
      redisPort: await freePort(),
      redisCachePort: await freePort(),
      dataRoot,
      only: ['redis', 'redis-cache'],
    });
    running.push(services);
    expect(services.redis?.reused).toBe(false);
    expect(services.redisCache?.reused).toBe(false);
    const durable = client(services.redis!.port);
    const cache = client(services.redisCache!.port);
    const names = ['maxmemory', 'maxmemory-policy', 'appendonly', 'appendfsync', 'save'];
    expect(pick(await configOf(durable, names), Object.keys(REDIS_ROLES.durable))).toEqual(expected('durable'));
    expect(pick(await configOf(cache, names), Object.keys(REDIS_ROLES.cache))).toEqual(expected('cache'));
    expect(await configOf(durable, ['maxmemory-policy', 'appendonly', 'appendfsync'])).toEqual({
      'maxmemory-policy': 'noeviction',
      appendonly: 'yes',
      appendfsync: 'always',
    });
    expect(await configOf(cache, ['maxmemory-policy', 'appendonly'])).toEqual({
      'maxmemory-policy': 'allkeys-lru',
      appendonly: 'no',
    });
    expect(Number((await configOf(cache, ['maxmemory'])).maxmemory)).toBeGreaterThan(0);

    // The durable one keeps its append-only file under the data root; the cache keeps nothing.
    expect((await configOf(durable, ['dir'])).dir).toBe(join(dataRoot, 'redis'));
    await durable.set('k', 'v');
    expect(await readdir(join(dataRoot, 'redis', 'appendonlydir'))).toEqual(
      expect.arrayContaining([expect.stringMatching(/\.aof$/)]),
    );
    await cache.set('k', 'v');
    expect(existsSync(join(dataRoot, 'redis-cache', 'appendonlydir'))).toBe(false);

    // Stopped together, both are forgotten: pids.json goes once empty.
    expect(existsSync(join(dataRoot, 'pids.json'))).toBe(true);
    await services.stop();
    expect(existsSync(join(dataRoot, 'pids.json'))).toBe(false);
  });
});

function pick(record: Record<string, string>, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, record[name] ?? '(unset)']));
}
