import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { TEST_SECRETS } from '@supergraph/testing';
import { withDatabase } from '../../scripts/mongo-url';
import {
  freePort,
  startFerretDb,
  startPostgres,
  startRedis,
  type FerretDbBackend,
  type RunningService,
} from '../../scripts/services';
import type { SeedSizes } from '../../scripts/seed/data';
import { startSmtpSink } from '../../test/support/smtp-sink';
import type { Cleanups } from './cleanup';
import { cpuSecondsOf, processTree, spawnService, type ServiceProcess } from './processes';
import { seed } from './seeded-stack';

/**
 * The stack as `npm run dev` runs it, for load benchmarks: FerretDB on the backend asked for (its
 * PostgreSQL, durable, as a process of its own), the durable and the cache Redis with their dev
 * settings, an SMTP sink, then each subgraph, its worker and the gateway as processes of their own
 * from source (`node --import tsx`, NODE_ENV=development, LOG_LEVEL=info, the dev defaults for
 * everything else). Every process's CPU can be read, and log lines that tell of trouble are counted.
 */

const repoRoot = path.resolve(__dirname, '../..');
const SUBGRAPHS = ['auth', 'posts', 'cart'] as const;

/** Something of the stack whose CPU time counts. */
export interface StackProcess {
  name: string;
  /** CPU seconds used so far by it and its children (PostgreSQL's sessions are its children). */
  cpuSeconds(): number;
}

/** Log messages worth counting under load, by process. */
export interface LogCounts {
  /** Lines at warn (40) or above, by process and message. */
  warnings: Record<string, number>;
  /** How often a gateway breaker opened, by subgraph. */
  breakerOpens: Record<string, number>;
  /** The first few such lines of each kind, as logged. */
  samples: Record<string, string[]>;
  /** MongoDB commands slower than DB_SLOW_COMMAND_MS, by `process command collection`. */
  slowCommands: Record<string, { count: number; totalMs: number; maxMs: number }>;
}

export interface DevStack {
  backend: FerretDbBackend;
  gatewayUrl: string;
  mongoUrl: string;
  processes: StackProcess[];
  /** Counts since the start or the last reset. */
  logs(): LogCounts;
  resetLogs(): void;
  secrets: { JWT_SECRET: string; IDENTITY_SECRET: string };
}

function service(name: string, running: RunningService): StackProcess {
  return { name, cpuSeconds: () => (running.pid === undefined ? 0 : cpuSecondsOf(processTree(running.pid))) };
}

/** Starts everything, registering each stop step with `cleanups`. */
export async function startDevStack(options: {
  backend: FerretDbBackend;
  seed: SeedSizes;
  cleanups: Cleanups;
  log: (line: string) => void;
  /** Settings for every app process on top of the dev ones, e.g. `DB_SLOW_COMMAND_MS`. */
  env?: Record<string, string>;
}): Promise<DevStack> {
  const { backend, cleanups, log } = options;
  const dataRoot = await mkdtemp(path.join(os.tmpdir(), `supergraph-bench-${backend}-`));
  // PostgreSQL runs as its own user when we are root: it must get through to its data folder.
  await chmod(dataRoot, 0o711);
  cleanups.add(`${backend} stack data`, () => rm(dataRoot, { recursive: true, force: true }));
  const processes: StackProcess[] = [];

  log(`${backend}: starting FerretDB on ${backend === 'postgresql' ? 'PostgreSQL' : 'SQLite'} and the two Redis`);
  let postgresqlUrl: string | undefined;
  if (backend === 'postgresql') {
    const postgres = await startPostgres({ port: await freePort(), dataDir: path.join(dataRoot, 'postgres'), durable: true });
    cleanups.add('PostgreSQL', () => postgres.stop());
    processes.push(service('postgresql', postgres));
    postgresqlUrl = postgres.url;
  }
  const [ferretdb, redis, redisCache] = await Promise.all([
    freePort().then((port) => startFerretDb({ port, dataDir: path.join(dataRoot, 'ferretdb'), backend, postgresqlUrl })),
    freePort().then((port) => startRedis({ port, dataDir: path.join(dataRoot, 'redis'), role: 'durable' })),
    freePort().then((port) =>
      startRedis({ port, dataDir: path.join(dataRoot, 'redis-cache'), role: 'cache', name: 'redis-cache' }),
    ),
  ]);
  cleanups.add('FerretDB', () => ferretdb.stop());
  cleanups.add('Redis', () => Promise.all([redis.stop(), redisCache.stop()]));
  processes.push(service('ferretdb', ferretdb), service('redis', redis), service('redis-cache', redisCache));

  log(`${backend}: seeding ${options.seed.users} users, ${options.seed.posts} posts, ${options.seed.products} products`);
  const seeded = performance.now();
  await seed({ mongoUrl: ferretdb.url, redisUrl: redisCache.url }, options.seed, { cleanups, log });
  log(`${backend}: seeded in ${((performance.now() - seeded) / 1000).toFixed(0)} s`);

  const mail = await startSmtpSink();
  cleanups.add('SMTP sink', () => mail.close());
  const counts: LogCounts = { warnings: {}, breakerOpens: {}, samples: {}, slowCommands: {} };
  const watch = (name: string) => (line: string) => {
    if (!line.startsWith('{')) return;
    let entry: { level?: number; msg?: string; subgraph?: string; command?: string; collection?: string; durationMs?: number };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      return;
    }
    if ((entry.level ?? 0) < 40) return;
    if (entry.msg === 'slow mongo command') {
      const slow = (counts.slowCommands[`${name} ${entry.command} ${entry.collection ?? ''}`] ??= {
        count: 0,
        totalMs: 0,
        maxMs: 0,
      });
      slow.count += 1;
      slow.totalMs += entry.durationMs ?? 0;
      slow.maxMs = Math.max(slow.maxMs, entry.durationMs ?? 0);
      return;
    }
    const key = `${name}: ${entry.msg ?? '(no message)'}`;
    counts.warnings[key] = (counts.warnings[key] ?? 0) + 1;
    const samples = (counts.samples[key] ??= []);
    if (samples.length < 3) samples.push(line.slice(0, 2_000));
    if (entry.msg?.startsWith('subgraph circuit open') && entry.subgraph) {
      counts.breakerOpens[entry.subgraph] = (counts.breakerOpens[entry.subgraph] ?? 0) + 1;
    }
  };
  const shared = {
    NODE_ENV: 'development',
    LOG_LEVEL: 'info',
    JWT_SECRET: TEST_SECRETS.JWT_SECRET,
    IDENTITY_SECRET: TEST_SECRETS.IDENTITY_SECRET,
    REDIS_URL: redis.url,
    HOST: '127.0.0.1',
    ...options.env,
  };
  const start = async (name: string, entry: string, env: Record<string, string>, ready: { url?: string; line?: string }) => {
    const started: ServiceProcess = await spawnService({
      name,
      command: process.execPath,
      args: ['--import', 'tsx', path.join(repoRoot, entry)],
      cwd: repoRoot,
      env,
      ...(ready.url ? { readyUrl: ready.url } : { readyLine: ready.line }),
      readyTimeoutMs: 120_000,
      onLine: watch(name),
    });
    cleanups.add(name, () => started.stop());
    processes.push({ name, cpuSeconds: () => started.cpuSeconds() });
    return started;
  };

  log(`${backend}: starting the subgraphs, their workers and the gateway (from source, as npm run dev)`);
  const urls: Record<string, string> = {};
  await Promise.all(
    SUBGRAPHS.map(async (name) => {
      const env = {
        ...shared,
        CACHE_REDIS_URL: redisCache.url,
        MONGO_URL: withDatabase(ferretdb.url, `supergraph_${name}`),
        SMTP_URL: mail.url,
      };
      const port = await freePort();
      await start(
        name,
        `subgraphs/${name}/src/main.ts`,
        { ...env, PORT: String(port) },
        { url: `http://127.0.0.1:${port}/readyz` },
      );
      await start(`${name}-worker`, `subgraphs/${name}/src/worker.ts`, env, { line: `${name} worker ready` });
      urls[`${name.toUpperCase()}_URL`] = `http://127.0.0.1:${port}/graphql`;
    }),
  );
  const gatewayPort = await freePort();
  await start(
    'gateway',
    'gateway/src/main.ts',
    {
      ...shared,
      ...urls,
      PORT: String(gatewayPort),
      ADMIN_PORT: String(await freePort()),
      ADMIN_PASSWORD: 'bench-admin-password',
      REDIS_URL: redisCache.url,
      QUEUE_REDIS_URL: redis.url,
    },
    { url: `http://127.0.0.1:${gatewayPort}/readyz` },
  );
  return {
    backend,
    gatewayUrl: `http://127.0.0.1:${gatewayPort}/graphql`,
    mongoUrl: ferretdb.url,
    processes,
    logs: () => structuredClone(counts),
    resetLogs: () => {
      counts.warnings = {};
      counts.breakerOpens = {};
      counts.samples = {};
      counts.slowCommands = {};
    },
    secrets: { JWT_SECRET: TEST_SECRETS.JWT_SECRET, IDENTITY_SECRET: TEST_SECRETS.IDENTITY_SECRET },
  };
}
