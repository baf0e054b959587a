import { join } from 'node:path';
import { isRecordRunning, readPidFile, updatePidFile, type PidFile } from './pid-file';
import { pingMongoWire } from './ping-mongo-wire';
import { pingPostgres } from './ping-postgres';
import { pingRedis } from './ping-redis';
import { stopPid } from './process-utils';
import { startPostgres } from './start-postgres';
import { startFerretDb, startRedis } from './start-services';
import { SERVICE_NAMES, serviceUrl, type RunningService, type ServiceName } from './types';

/**
 * The dev stack's PostgreSQL port (`POSTGRES_PORT`): not 5432, where a system PostgreSQL (the
 * cluster Debian's package creates) may run, and below the range free ports come from.
 */
export const DEV_POSTGRES_PORT = 5433;

/** Where the dev stack runs and keeps its data. */
export interface LocalServicesOptions {
  /** FerretDB's PostgreSQL. @defaultValue DEV_POSTGRES_PORT */
  postgresPort?: number;
  mongoPort: number;
  /** The durable Redis (queues, sessions, throttles). */
  redisPort: number;
  /** The cache Redis (bounded, evicts least recently used keys). */
  redisCachePort: number;
  /**
   * Data goes to `<dataRoot>/postgres` (FerretDB's documents), `<dataRoot>/ferretdb` (its state),
   * `<dataRoot>/redis` (the durable Redis' append-only file) and `<dataRoot>/redis-cache`
   * (nothing kept); pids to `<dataRoot>/pids.json`.
   */
  dataRoot: string;
  /** Start daemons that outlive this process (`npm run services start`). Default false. */
  detached?: boolean;
  /**
   * Which services to manage (default all), e.g. to skip one given by MONGO_URL/REDIS_URL.
   * `ferretdb` brings `postgres` with it: FerretDB stores its documents there.
   */
  only?: readonly ServiceName[];
}

/** The dev stack; a service is undefined when excluded by `only`. */
export interface LocalServices {
  postgres: RunningService | undefined;
  ferretdb: RunningService | undefined;
  redis: RunningService | undefined;
  redisCache: RunningService | undefined;
  /** Stops what this call started (reused services keep running). Safe to call twice. */
  stop(): Promise<void>;
}

/** Health and recorded pid of one dev service. */
export interface ServiceStatus {
  name: ServiceName;
  port: number;
  url: string;
  healthy: boolean;
  /** Pid from pids.json when that process still runs. */
  pid: number | undefined;
}

/** Result of stopping one recorded service. */
export interface StopOutcome {
  name: ServiceName;
  pid: number | undefined;
  state: 'stopped' | 'not-running' | 'not-recorded';
}

/** Health check of a service on 127.0.0.1. */
export function pingService(name: ServiceName, port: number): Promise<boolean> {
  if (name === 'postgres') return pingPostgres(port);
  return name === 'ferretdb' ? pingMongoWire(port) : pingRedis(port);
}

type Ports = Pick<LocalServicesOptions, 'postgresPort' | 'mongoPort' | 'redisPort' | 'redisCachePort'>;

function portOf(name: ServiceName, options: Ports): number {
  return {
    postgres: options.postgresPort ?? DEV_POSTGRES_PORT,
    ferretdb: options.mongoPort,
    redis: options.redisPort,
    'redis-cache': options.redisCachePort,
  }[name];
}

/** The services to manage: `only` (default all), with FerretDB's PostgreSQL when FerretDB is in. */
function wantedServices(only: readonly ServiceName[] | undefined): ServiceName[] {
  const wanted = new Set(only ?? SERVICE_NAMES);
  if (wanted.has('ferretdb')) wanted.add('postgres');
  return SERVICE_NAMES.filter((name) => wanted.has(name));
}

function recordedPid(name: ServiceName, port: number, records: PidFile): number | undefined {
  const record = records[name];
  return record !== undefined && record.port === port && isRecordRunning(name, record) ? record.pid : undefined;
}

async function startOrReuse(name: ServiceName, options: LocalServicesOptions, records: PidFile): Promise<RunningService> {
  const port = portOf(name, options);
  if (await pingService(name, port)) {
    const stop = async (): Promise<void> => undefined;
    return { name, url: serviceUrl(name, port), port, pid: recordedPid(name, port, records), reused: true, stop };
  }
  const serviceOptions = {
    port,
    dataDir: join(options.dataRoot, name),
    detached: options.detached ?? false,
    logFile: join(options.dataRoot, `${name}.log`),
  };
  // Development data is kept across restarts of the machine too.
  if (name === 'postgres') return startPostgres({ ...serviceOptions, durable: true });
  if (name === 'ferretdb') {
    const postgresqlUrl = serviceUrl('postgres', portOf('postgres', options));
    return startFerretDb({ ...serviceOptions, backend: 'postgresql', postgresqlUrl });
  }
  return startRedis({ ...serviceOptions, name, role: name === 'redis' ? 'durable' : 'cache' });
}

/** Starts (or reuses) each service; FerretDB only once its PostgreSQL answers. */
function startAll(wanted: readonly ServiceName[], options: LocalServicesOptions, records: PidFile) {
  const postgres = wanted.includes('postgres') ? startOrReuse('postgres', options, records) : undefined;
  return Promise.allSettled(
    wanted.map((name) => {
      if (name === 'postgres' && postgres) return postgres;
      if (name === 'ferretdb' && postgres) return postgres.then(() => startOrReuse(name, options, records));
      return startOrReuse(name, options, records);
    }),
  );
}

/**
 * Starts the dev stack, reusing any service that already answers on its port (e.g. one left by
 * `npm run services start`). Records started pids in `<dataRoot>/pids.json`. If one service fails,
 * the ones this call started are stopped again before the error is thrown.
 */
export async function startLocalServices(options: LocalServicesOptions): Promise<LocalServices> {
  const wanted = wantedServices(options.only);
  const records = await readPidFile(options.dataRoot);
  const settled = await startAll(wanted, options, records);
  const running = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failures = settled.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
  if (failures.length > 0) {
    await Promise.all(running.map((service) => service.stop()));
    throw new Error(failures.map((error) => (error instanceof Error ? error.message : String(error))).join('\n\n'));
  }
  const started = running.filter((service) => !service.reused);
  await updatePidFile(options.dataRoot, (current) => {
    for (const service of started) {
      if (service.pid !== undefined)
        current[service.name] = { pid: service.pid, port: service.port, startedAt: new Date().toISOString() };
    }
  });
  const withCleanup = (service: RunningService): RunningService => {
    if (service.reused) return service;
    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> =>
      (stopping ??= service.stop().then(() =>
        updatePidFile(options.dataRoot, (current) => {
          if (current[service.name]?.pid === service.pid) delete current[service.name];
        }),
      ));
    return { ...service, stop };
  };
  const services = running.map(withCleanup);
  const find = (name: ServiceName) => services.find((service) => service.name === name);
  return {
    postgres: find('postgres'),
    ferretdb: find('ferretdb'),
    redis: find('redis'),
    redisCache: find('redis-cache'),
    stop: async () => {
      // PostgreSQL last: FerretDB keeps sessions open in it until it exits.
      await Promise.all(services.filter((service) => service.name !== 'postgres').map((service) => service.stop()));
      await find('postgres')?.stop();
    },
  };
}

/**
 * Stops the services recorded in `<dataRoot>/pids.json` (also detached ones started by another
 * process) and forgets them. Leaves unrecorded services alone. Idempotent.
 */
export async function stopLocalServices(options: { dataRoot: string; only?: readonly ServiceName[] }): Promise<StopOutcome[]> {
  const wanted = wantedServices(options.only);
  const records = await readPidFile(options.dataRoot);
  const stopOne = async (name: ServiceName): Promise<StopOutcome> => {
    const record = records[name];
    if (record === undefined) return { name, pid: undefined, state: 'not-recorded' };
    if (!isRecordRunning(name, record)) return { name, pid: record.pid, state: 'not-running' };
    // PostgreSQL's fast shutdown is SIGINT (SIGTERM waits for every session to end).
    const stopped = await stopPid(record.pid, 5_000, name === 'postgres' ? 'SIGINT' : 'SIGTERM');
    return { name, pid: record.pid, state: stopped ? 'stopped' : 'not-running' };
  };
  const first = await Promise.all(wanted.filter((name) => name !== 'postgres').map(stopOne));
  const outcomes = wanted.includes('postgres') ? [await stopOne('postgres'), ...first] : first;
  await updatePidFile(options.dataRoot, (current) => {
    for (const name of wanted) delete current[name];
  });
  return outcomes;
}

/** Reports whether each dev service answers on its port, with its recorded pid. */
export async function localServicesStatus(options: Omit<LocalServicesOptions, 'detached'>): Promise<ServiceStatus[]> {
  const records = await readPidFile(options.dataRoot);
  return Promise.all(
    wantedServices(options.only).map(async (name): Promise<ServiceStatus> => {
      const port = portOf(name, options);
      return {
        name,
        port,
        url: serviceUrl(name, port),
        healthy: await pingService(name, port),
        pid: recordedPid(name, port, records),
      };
    }),
  );
}
