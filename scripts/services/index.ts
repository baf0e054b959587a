/**
 * Local FerretDB (on PostgreSQL) + Redis (a durable and a cache one in dev) for dev and tests, without Docker: binaries are
 * built or installed on first use (`.tools/bin`, apt-get), processes are spawned directly and health-checked over raw sockets.
 */
export { ensureFerretDb } from './ensure-ferretdb';
export { ensurePostgres, findPostgres, type PostgresBinaries } from './ensure-postgres';
export { pingPostgres } from './ping-postgres';
export { startPostgres, type PostgresServiceOptions } from './start-postgres';
export { FERRETDB_VERSION } from './build-ferretdb';
export { ensureRedisServer } from './ensure-redis-server';
export { freePort, isPortOpen } from './ports';
export { pingMongoWire } from './ping-mongo-wire';
export { pingRedis } from './ping-redis';
export {
  startFerretDb,
  startRedis,
  type FerretDbBackend,
  type FerretDbServiceOptions,
  type RedisServiceOptions,
} from './start-services';
export { REDIS_ROLES, redisBytes, redisRoleArgs, type RedisRole, type RedisRoleConfig } from './redis-roles';
export {
  DEV_POSTGRES_PORT,
  localServicesStatus,
  pingService,
  startLocalServices,
  stopLocalServices,
  type LocalServices,
  type LocalServicesOptions,
  type ServiceStatus,
  type StopOutcome,
} from './local-services';
export { startTestServices, type TestServices, type TestServicesOptions } from './test-services';
export { devDataRoot, repoRoot } from './paths';
export { SERVICE_NAMES, serviceUrl, type RunningService, type ServiceName, type ServiceOptions } from './types';
