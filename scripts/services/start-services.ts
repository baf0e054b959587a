import { chmod, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ensureFerretDb } from './ensure-ferretdb';
import { ensureRedisServer } from './ensure-redis-server';
import { pingMongoWire } from './ping-mongo-wire';
import { pingRedis } from './ping-redis';
import { freePort } from './ports';
import { redisRoleArgs, type RedisRole } from './redis-roles';
import { spawnService } from './spawn-service';
import { startPostgres } from './start-postgres';
import { serviceUrl, type RunningService, type ServiceOptions } from './types';

/** Options for {@link startFerretDb}. */
export interface FerretDbServiceOptions extends ServiceOptions {
  /**
   * Where FerretDB keeps documents. `postgresql` (the default, what the dev stack and the tests
   * run): in the PostgreSQL at `postgresqlUrl`, or, without one, in a PostgreSQL of its own with
   * its data in `<dataDir>/postgresql` on a free port, started and stopped with it. `sqlite`: in
   * SQLite files in `dataDir` (kept to compare the two; see bench/README.md, scenario `mixed`).
   */
  backend?: FerretDbBackend;
  /** The PostgreSQL to use (`postgres://user@host:port/database`); only with the `postgresql` backend. */
  postgresqlUrl?: string;
}

/** FerretDB's storage engines we run it on. */
export type FerretDbBackend = 'postgresql' | 'sqlite';

function storageArgs(backend: FerretDbBackend, dataDir: string, postgresqlUrl: string | undefined): string[] {
  if (backend === 'sqlite') {
    // The SQLite URL must end with '/': FerretDB treats it as a folder of per-database files.
    return ['--handler=sqlite', `--sqlite-url=file:${dataDir}/`];
  }
  if (postgresqlUrl === undefined) throw new Error('ferretdb: the postgresql backend needs a URL');
  return ['--handler=postgresql', `--postgresql-url=${postgresqlUrl}`];
}

/** Its own PostgreSQL for a FerretDB started without `postgresqlUrl`; undefined when it needs none. */
async function ownPostgres(options: FerretDbServiceOptions, dataDir: string): Promise<RunningService | undefined> {
  if ((options.backend ?? 'postgresql') !== 'postgresql' || options.postgresqlUrl !== undefined) return undefined;
  if (options.detached)
    throw new Error('ferretdb: a detached FerretDB needs the postgresqlUrl of a PostgreSQL started on its own');
  // PostgreSQL runs as its own user (as root): let it through FerretDB's folder to its data.
  await chmod(dataDir, 0o711);
  return startPostgres({ port: await freePort(), dataDir: join(dataDir, 'postgresql') });
}

/**
 * Starts FerretDB on 127.0.0.1:`port` (state in `dataDir`) on the backend of `options`, and
 * waits until it answers `hello`. Builds the binary first when needed. With a PostgreSQL of its
 * own, `stop()` stops both, and `pid` is FerretDB's.
 */
export async function startFerretDb(options: FerretDbServiceOptions): Promise<RunningService> {
  const dataDir = resolve(options.dataDir);
  const backend = options.backend ?? 'postgresql';
  const [bin] = await Promise.all([ensureFerretDb(), mkdir(dataDir, { recursive: true })]);
  const postgres = await ownPostgres(options, dataDir);
  try {
    const ferretdb = await spawnService({
      name: 'ferretdb',
      bin,
      args: [
        ...storageArgs(backend, dataDir, options.postgresqlUrl ?? postgres?.url),
        `--listen-addr=127.0.0.1:${options.port}`,
        `--state-dir=${dataDir}`,
        '--telemetry=disable',
        '--log-level=warn',
        // Its default debug/metrics listener (127.0.0.1:8088) would make every second instance exit.
        '--debug-addr=-',
      ],
      port: options.port,
      url: serviceUrl('ferretdb', options.port),
      isHealthy: () => pingMongoWire(options.port),
      detached: options.detached,
      logFile: options.logFile ?? `${dataDir}.log`,
    });
    if (postgres === undefined) return ferretdb;
    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> => (stopping ??= ferretdb.stop().finally(() => postgres.stop()));
    return { ...ferretdb, stop };
  } catch (error) {
    await postgres?.stop();
    throw error;
  }
}

/** Options for {@link startRedis}. */
export interface RedisServiceOptions extends ServiceOptions {
  /**
   * The role's settings (see REDIS_ROLES): `durable` keeps an append-only file in `dataDir`,
   * `cache` is bounded and evicts. Without a role: a throwaway server (no persistence, never
   * evicts), as tests use for both roles.
   */
  role?: RedisRole;
  /** Individual settings over the role's, e.g. `{ maxmemory: '2mb' }`. */
  settings?: Readonly<Record<string, string>>;
  /** The service's name in messages and pid records. @defaultValue 'redis' */
  name?: 'redis' | 'redis-cache';
}

/**
 * Starts redis-server on 127.0.0.1:`port` (working dir `dataDir`) with the settings of its role
 * and waits until it answers `PING`. Installs redis-server first when needed (see ensureRedisServer).
 */
export async function startRedis(options: RedisServiceOptions): Promise<RunningService> {
  const dataDir = resolve(options.dataDir);
  const [bin] = await Promise.all([ensureRedisServer(), mkdir(dataDir, { recursive: true })]);
  const roleArgs = options.role
    ? redisRoleArgs(options.role, options.settings)
    : Object.entries({ save: '', appendonly: 'no', ...options.settings }).flatMap(([name, value]) => [`--${name}`, value]);
  return spawnService({
    name: options.name ?? 'redis',
    bin,
    args: [
      '--port',
      String(options.port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dataDir,
      ...roleArgs,
      '--daemonize',
      'no',
      '--protected-mode',
      'yes',
      '--logfile',
      '',
    ],
    port: options.port,
    url: serviceUrl('redis', options.port),
    isHealthy: () => pingRedis(options.port),
    detached: options.detached,
    logFile: options.logFile ?? `${dataDir}.log`,
  });
}
