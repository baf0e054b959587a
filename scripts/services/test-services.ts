import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports';
import { DEV_POSTGRES_PORT } from './local-services';
import { startFerretDb, startRedis, type FerretDbBackend } from './start-services';
import type { RunningService } from './types';

/** Throwaway FerretDB (on its own PostgreSQL) + Redis for one test run. */
export interface TestServices {
  /** `mongodb://127.0.0.1:<port>` (no database name: each suite picks its own). */
  mongoUrl: string;
  /**
   * One Redis for both roles (tests set REDIS_URL only): throwaway, without persistence, and it
   * never evicts. The roles' own settings are tested in scripts/services/redis-roles.test.ts.
   */
  redisUrl: string;
  mongoPort: number;
  redisPort: number;
  /** The `supergraph-test-XXXX` temp folder holding every data dir. */
  dataRoot: string;
  /** Stops the services and deletes `dataRoot`. Safe to call twice. */
  stop(): Promise<void>;
}

/** Ports a test run must never take, even if they happen to be free: the dev stack's. */
function devPorts(): Set<number> {
  const ports = [
    27017,
    6379,
    6380,
    DEV_POSTGRES_PORT,
    Number(process.env.POSTGRES_PORT),
    Number(process.env.MONGO_PORT),
    Number(process.env.REDIS_PORT),
    Number(process.env.REDIS_CACHE_PORT),
  ];
  return new Set(ports.filter((port) => Number.isInteger(port)));
}

async function testPort(): Promise<number> {
  const reserved = devPorts();
  for (;;) {
    const port = await freePort();
    if (!reserved.has(port)) return port;
  }
}

/** Options for {@link startTestServices}. */
export interface TestServicesOptions {
  /** FerretDB's storage. @defaultValue 'postgresql' (what the dev stack runs) */
  backend?: FerretDbBackend;
}

/**
 * Starts FerretDB (on a PostgreSQL of its own, unless `backend` says SQLite) and Redis on fresh
 * free ports with data in a new temp folder (`<os.tmpdir()>/supergraph-test-XXXX`), for jest's
 * globalSetup and the benchmarks. Never touches the dev stack.
 */
export async function startTestServices(options: TestServicesOptions = {}): Promise<TestServices> {
  const dataRoot = await mkdtemp(join(tmpdir(), 'supergraph-test-'));
  // PostgreSQL runs as its own user when we are root: it must get through to its data folder.
  await chmod(dataRoot, 0o711);
  const mongoPort = await testPort();
  const redisPort = await testPort();
  const settled = await Promise.allSettled([
    startFerretDb({ port: mongoPort, dataDir: join(dataRoot, 'ferretdb'), backend: options.backend ?? 'postgresql' }),
    startRedis({ port: redisPort, dataDir: join(dataRoot, 'redis') }),
  ]);
  const running: RunningService[] = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const cleanup = async (): Promise<void> => {
    await Promise.all(running.map((service) => service.stop()));
    await rm(dataRoot, { recursive: true, force: true });
  };
  const failures = settled.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
  if (failures.length > 0) {
    await cleanup();
    throw new Error(
      `Could not start the test services:\n${failures.map((error) => (error instanceof Error ? error.message : String(error))).join('\n\n')}`,
    );
  }
  let stopping: Promise<void> | undefined;
  return {
    mongoUrl: `mongodb://127.0.0.1:${mongoPort}`,
    redisUrl: `redis://127.0.0.1:${redisPort}`,
    mongoPort,
    redisPort,
    dataRoot,
    stop: () => (stopping ??= cleanup()),
  };
}
