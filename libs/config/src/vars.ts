import { z } from 'zod';
import { PRESET_NAMES } from './presets';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const port = int(0, 65535);
const secret = z.string().min(32, 'must be at least 32 characters');
const csv = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);

/**
 * Variables every process reads. Defaults that are not part of a preset live here; the preset
 * defaults of `./presets.ts` are merged underneath the environment before these are parsed.
 */
export const processVars = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PRESET: z.enum(PRESET_NAMES).default('starter'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().min(1).default('0.0.0.0'),
  /** Grace period for in-flight work on SIGTERM before the process exits anyway. */
  SHUTDOWN_TIMEOUT_MS: int(100, 600_000).default(10_000),
};

/** MongoDB connection and pool. `MONGO_URL` carries the database name. */
export const mongoVars = {
  MONGO_URL: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// URL'),
  DB_POOL_SIZE: int(1, 1000),
  DB_MIN_POOL_SIZE: int(0, 1000),
  /** 0 keeps idle connections forever (the driver's default). */
  DB_MAX_IDLE_TIME_MS: int(0, 3_600_000).default(0),
  /** How long a request may wait for a pooled connection before failing fast. */
  DB_WAIT_QUEUE_TIMEOUT_MS: int(0, 600_000).default(10_000),
  DB_READ_PREFERENCE: z.enum(['primary', 'primaryPreferred', 'secondary', 'secondaryPreferred', 'nearest']).default('primary'),
  /** Log each MongoDB command that takes at least this long (warn); 0 logs none. */
  DB_SLOW_COMMAND_MS: int(0, 600_000).default(0),
};

const redisUrl = z
  .string()
  .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
  .optional();
const redisClusterNodes = csv.pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'each node must be host:port')).min(1)).optional();

/**
 * Redis, in two roles (docs/operations.md, "Redis roles"). `REDIS_URL` (or `REDIS_CLUSTER_NODES`,
 * host:port,...) is the durable one: queues, sessions, throttles, run with `noeviction` and AOF.
 * `CACHE_REDIS_URL` (or `CACHE_REDIS_CLUSTER_NODES`) is the evictable cache, run with a
 * `maxmemory` and an LRU policy; unset, the cache shares the durable Redis.
 */
export const redisVars = {
  REDIS_URL: redisUrl,
  REDIS_CLUSTER_NODES: redisClusterNodes,
  CACHE_REDIS_URL: redisUrl,
  CACHE_REDIS_CLUSTER_NODES: redisClusterNodes,
  REDIS_KEY_PREFIX: z.string().default(''),
};

/** Background jobs (BullMQ): producers in the API processes, workers in their own. */
export const workerVars = {
  WORKER_CONCURRENCY: int(1, 1000),
  DISABLE_STALLED_JOB_CHECK: z.stringbool().default(false),
  /** A job whose worker stops renewing its lock this long is taken back by another worker. */
  WORKER_LOCK_DURATION_MS: int(1_000, 600_000).default(30_000),
  JOB_ATTEMPTS: int(1, 100).default(8),
  JOB_BACKOFF_MS: int(10, 600_000).default(1_000),
  /** How often each worker's outbox relay looks for due events (docs/architecture.md, side effects). */
  OUTBOX_SWEEP_MS: int(100, 3_600_000).default(5_000),
  /** How long an event is left to its job before the relay checks that its effect is recorded. */
  OUTBOX_GRACE_MS: int(100, 86_400_000).default(30_000),
  /** First wait before the relay checks again an event it re-enqueued or found still queued; doubles. */
  OUTBOX_BACKOFF_MS: int(100, 86_400_000).default(30_000),
  /** The longest wait between two checks of one event. */
  OUTBOX_BACKOFF_MAX_MS: int(100, 7 * 86_400_000).default(3_600_000),
  /** How often the relay scans new events for ones that never became pending (an API process died). */
  OUTBOX_SCAN_MS: int(1_000, 86_400_000).default(600_000),
};

/** Outgoing mail. Without SMTP_URL in development, the dev launcher starts a local sink. */
export const mailVars = {
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL'),
  MAIL_FROM: z.string().min(3).default('Supergraph <no-reply@supergraph.local>'),
  /** Pooled SMTP connections per worker process; default: one per concurrent job (WORKER_CONCURRENCY). */
  SMTP_MAX_CONNECTIONS: int(1, 1_000).optional(),
  /** Links in emails (verification, password reset) point here. */
  PUBLIC_APP_URL: z.url().default('http://localhost:3000'),
};

/** Verifies the identity header the gateway signs for subgraphs. */
export const identityVars = {
  IDENTITY_SECRET: secret,
  IDENTITY_TTL_SECONDS: int(5, 600).default(60),
  /** Subgraphs only: accept requests without the gateway's header as anonymous (local work). */
  IDENTITY_OPTIONAL: z.stringbool().default(false),
};

export const jwtVars = {
  JWT_SECRET: secret,
  JWT_ISSUER: z.string().min(1).default('supergraph'),
  JWT_AUDIENCE: z.string().min(1).default('supergraph'),
};

export { port, int, csv, secret };

/** Redis caching of entities and query results. */
export const cacheVars = {
  CACHE_ENTITY_TTL_SECONDS: int(1, 86_400).default(300),
  CACHE_LIST_TTL_SECONDS: int(1, 86_400).default(60),
};

/**
 * How long a subgraph works on a request: the budget the gateway sends (its fetch timeout, in
 * the `x-supergraph-budget-ms` header), this default without one, never more than the maximum.
 */
export const deadlineVars = {
  REQUEST_DEADLINE_DEFAULT_MS: int(1, 600_000).default(10_000),
  REQUEST_DEADLINE_MAX_MS: int(1, 600_000).default(120_000),
};

/**
 * Dependency outages (docs/operations.md): a subgraph or worker process whose MongoDB or durable
 * Redis stays unreachable for DEPENDENCY_EXIT_AFTER_MS exits with code 1 so that its supervisor
 * starts a fresh one (0: never). A worker serves `/healthz` and `/readyz` on WORKER_HEALTH_PORT
 * when it is set (0: a free port, logged with `worker ready`).
 */
export const healthVars = {
  DEPENDENCY_EXIT_AFTER_MS: int(0, 86_400_000).default(120_000),
  WORKER_HEALTH_PORT: port.optional(),
};

/** Everything a subgraph process reads, listening on `defaultPort` unless PORT says otherwise. */
export function subgraphShape(defaultPort: number) {
  return {
    ...processVars,
    PORT: port.default(defaultPort),
    ...mongoVars,
    ...redisVars,
    ...cacheVars,
    ...identityVars,
    ...workerVars,
    ...deadlineVars,
    ...healthVars,
  };
}
