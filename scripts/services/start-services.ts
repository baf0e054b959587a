import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ensureFerretDb } from './ensure-ferretdb';
import { ensureRedisServer } from './ensure-redis-server';
import { pingMongoWire } from './ping-mongo-wire';
import { pingRedis } from './ping-redis';
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

/**
 * Starts redis-server on 127.0.0.1:`port` without persistence (working dir `dataDir`) and waits
 * until it answers `PING`. Installs redis-server first when needed (see ensureRedisServer).
 */
export async function startRedis(options: ServiceOptions): Promise<RunningService> {
  const dataDir = resolve(options.dataDir);
  const [bin] = await Promise.all([ensureRedisServer(), mkdir(dataDir, { recursive: true })]);
  return spawnService({
    name: 'redis',
    bin,
    args: [
      '--port',
      String(options.port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dataDir,
      '--save',
      '',
      '--appendonly',
      'no',
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
