import { startTestServices, type TestServices } from '../../scripts/services';

declare global {
  var supergraphTestServices: TestServices | undefined;
}

/**
 * Starts one FerretDB (on a PostgreSQL of its own, as the dev stack runs it) and one Redis on
 * free ports with their own temp data folders, so tests never touch a dev stack. Each suite then
 * uses its own database and Redis key prefix. With TEST_MONGO_URL / TEST_REDIS_URL already set,
 * those servers are used instead.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_MONGO_URL && process.env.TEST_REDIS_URL) return;
  const services = await startTestServices();
  globalThis.supergraphTestServices = services;
  process.env.TEST_MONGO_URL = services.mongoUrl;
  process.env.TEST_REDIS_URL = services.redisUrl;
  process.env.TEST_REDIS_PORT = String(services.redisPort);
  process.env.TEST_DATA_ROOT = services.dataRoot;
}
