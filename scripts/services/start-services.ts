import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ensureFerretDb } from './ensure-ferretdb';
import { ensureRedisServer } from './ensure-redis-server';
import { pingMongoWire } from './ping-mongo-wire';
import { pingRedis } from './ping-redis';
import { redisRoleArgs, type RedisRole } from './redis-roles';
import { spawnService } from './spawn-service';
import { serviceUrl, type RunningService, type ServiceOptions } from './types';

/**
 * Starts FerretDB (SQLite backend, data in `dataDir`) on 127.0.0.1:`port` and waits until it
 * answers `hello`. Builds the binary first when needed.
 */
export async function startFerretDb(options: ServiceOptions): Promise<RunningService> {
  const dataDir = resolve(options.dataDir);
  const [bin] = await Promise.all([ensureFerretDb(), mkdir(dataDir, { recursive: true })]);
  return spawnService({
    name: 'ferretdb',
    bin,
    // The SQLite URL must end with '/': FerretDB treats it as a folder of per-database files.
    args: [
      '--handler=sqlite',
      `--sqlite-url=file:${dataDir}/`,
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
