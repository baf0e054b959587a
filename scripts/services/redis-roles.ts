/**
 * The two jobs Redis does in this project, and the server settings each one needs
 * (docs/operations.md, "Redis roles"). The dev stack starts one redis-server per role with these
 * settings; docker-compose.yml gives its two Redis services the same ones (its test checks).
 */
export type RedisRole = 'durable' | 'cache';

/** Server settings by name, as `redis-server --<name> <value>` takes them. */
export type RedisRoleConfig = Readonly<Record<string, string>>;

export const REDIS_ROLES: Readonly<Record<RedisRole, RedisRoleConfig>> = {
  /**
   * Queues (BullMQ), sessions and refresh tokens, sign-in throttles: nothing may be evicted, and
   * every write is on disk before it is acknowledged. When full it refuses writes (OOM errors)
   * rather than drop a job or a session.
   */
  durable: {
    maxmemory: '512mb',
    'maxmemory-policy': 'noeviction',
    appendonly: 'yes',
    appendfsync: 'always',
    // The append-only file is the record; periodic snapshots would only add forks.
    save: '',
  },
  /**
   * Subgraph caches, the gateway's persisted queries, response and entity caches and request rate
   * limits: all of it can be rebuilt or forgotten, so it is bounded and the least recently used
   * keys make room. Nothing is written to disk.
   */
  cache: {
    maxmemory: '256mb',
    'maxmemory-policy': 'allkeys-lru',
    appendonly: 'no',
    save: '',
  },
};

/** `redis-server` arguments for a role, with individual settings overridden (e.g. a tiny maxmemory in a test). */
export function redisRoleArgs(role: RedisRole, overrides: Readonly<Record<string, string>> = {}): string[] {
  return Object.entries({ ...REDIS_ROLES[role], ...overrides }).flatMap(([name, value]) => [`--${name}`, value]);
}

/** A memory size as Redis reports it in `CONFIG GET` (bytes): `256mb` -> `268435456`. */
export function redisBytes(size: string): string {
  const match = /^(\d+)(b|k|kb|m|mb|g|gb)?$/i.exec(size.trim());
  if (!match?.[1]) throw new TypeError(`not a Redis memory size: ${JSON.stringify(size)}`);
  const unit = (match[2] ?? 'b').toLowerCase();
  const factor: Record<string, number> = { b: 1, k: 1000, kb: 1024, m: 1e6, mb: 1024 ** 2, g: 1e9, gb: 1024 ** 3 };
  return String(Number(match[1]) * (factor[unit] ?? 1));
}
