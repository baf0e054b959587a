/**
 * `npm run services -- start|stop|status|install`: the dev stack's FerretDB (with the PostgreSQL
 * it stores documents in) and its two Redis (durable, and cache) as daemons. Ports: POSTGRES_PORT
 * (5433), MONGO_PORT (27017), REDIS_PORT (6379), REDIS_CACHE_PORT (6380). Data: `<repo>/.data`.
 * A service whose URL is given (MONGO_URL / REDIS_URL / CACHE_REDIS_URL) is never started or
 * stopped here; with MONGO_URL, neither is PostgreSQL; with REDIS_URL alone, it serves the cache too.
 */
import {
  DEV_POSTGRES_PORT,
  devDataRoot,
  ensureFerretDb,
  ensurePostgres,
  ensureRedisServer,
  localServicesStatus,
  pingMongoWire,
  pingRedis,
  SERVICE_NAMES,
  startLocalServices,
  stopLocalServices,
  type ServiceName,
} from './services/index';

const USAGE = 'usage: tsx scripts/services-cli.ts start|stop|status|install';
const URL_ENV: Record<ServiceName, string> = {
  // PostgreSQL only serves FerretDB: a MongoDB given by URL needs neither.
  postgres: 'MONGO_URL',
  ferretdb: 'MONGO_URL',
  redis: 'REDIS_URL',
  'redis-cache': 'CACHE_REDIS_URL',
};

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`${name} must be a TCP port, got "${raw}"`);
  return port;
}

function externalUrl(name: ServiceName): string | undefined {
  const url = process.env[URL_ENV[name]] || (name === 'redis-cache' ? process.env.REDIS_URL : undefined);
  return url === undefined || url === '' ? undefined : url;
}

async function pingExternal(name: ServiceName, url: string): Promise<string> {
  let host: string;
  let port: number;
  try {
    const parsed = new URL(url);
    host = parsed.hostname;
    port = Number(parsed.port || (name === 'ferretdb' ? 27017 : 6379));
  } catch {
    return 'not checked (URL not parseable as a single host)';
  }
  const healthy = name === 'ferretdb' ? await pingMongoWire(port, host, 2_000) : await pingRedis(port, host, 2_000);
  return healthy ? 'healthy' : 'NOT answering';
}

async function main(): Promise<void> {
  const command = process.argv[2];
  const ports = {
    postgresPort: portFromEnv('POSTGRES_PORT', DEV_POSTGRES_PORT),
    mongoPort: portFromEnv('MONGO_PORT', 27017),
    redisPort: portFromEnv('REDIS_PORT', 6379),
    redisCachePort: portFromEnv('REDIS_CACHE_PORT', 6380),
  };
  const dataRoot = devDataRoot();
  const managed = SERVICE_NAMES.filter((name) => externalUrl(name) === undefined);
  const announceExternal = (): void => {
    for (const name of SERVICE_NAMES.filter((service) => service !== 'postgres')) {
      const url = externalUrl(name);
      if (url !== undefined) console.log(`${name.padEnd(11)} using ${url} (not managed here)`);
    }
  };

  switch (command) {
    case 'install': {
      announceExternal();
      if (managed.includes('postgres')) console.log(`postgres ${(await ensurePostgres()).binDir}`);
      if (managed.includes('ferretdb')) console.log(`ferretdb ${await ensureFerretDb()}`);
      if (managed.includes('redis') || managed.includes('redis-cache')) console.log(`redis    ${await ensureRedisServer()}`);
      return;
    }
    case 'start': {
      announceExternal();
      const services = await startLocalServices({ ...ports, dataRoot, detached: true, only: managed });
      for (const service of [services.postgres, services.ferretdb, services.redis, services.redisCache]) {
        if (service === undefined) continue;
        const pid = service.pid === undefined ? 'pid unknown' : `pid ${service.pid}`;
        const how = service.reused ? 'already running, reused' : 'started';
        console.log(`${service.name.padEnd(11)} ${how} (${pid})  ${service.url}`);
      }
      if (services.ferretdb) console.log(`\nMONGO_URL=${services.ferretdb.url}`);
      if (services.redis) console.log(`REDIS_URL=${services.redis.url}`);
      if (services.redisCache) console.log(`CACHE_REDIS_URL=${services.redisCache.url}`);
      return;
    }
    case 'stop': {
      announceExternal();
      for (const outcome of await stopLocalServices({ dataRoot, only: managed })) {
        const text = {
          stopped: `stopped (pid ${outcome.pid})`,
          'not-running': `not running (stale pid ${outcome.pid} forgotten)`,
          'not-recorded': 'not running (nothing recorded)',
        }[outcome.state];
        console.log(`${outcome.name.padEnd(11)} ${text}`);
      }
      for (const status of await localServicesStatus({ ...ports, dataRoot, only: managed })) {
        if (status.healthy)
          console.log(
            `${status.name.padEnd(11)} note: something not started by this CLI still answers on port ${status.port}; left alone`,
          );
      }
      return;
    }
    case 'status': {
      for (const name of SERVICE_NAMES.filter((service) => service !== 'postgres')) {
        const url = externalUrl(name);
        if (url !== undefined) console.log(`${name.padEnd(11)} ${await pingExternal(name, url)}  ${url} (given)`);
      }
      for (const status of await localServicesStatus({ ...ports, dataRoot, only: managed })) {
        const pid = status.pid === undefined ? '' : ` (pid ${status.pid})`;
        console.log(`${status.name.padEnd(11)} ${status.healthy ? 'healthy' : 'NOT running'}${pid}  ${status.url}`);
      }
      return;
    }
    default:
      console.error(USAGE);
      process.exitCode = 2;
  }
}

main().catch((error: unknown) => {
  console.error(`services: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
