import mongoose, { type Connection, type ConnectOptions } from 'mongoose';
import type { Logger } from '@supergraph/logger';
import type { CommandStartedEvent } from 'mongodb';

/** Settings for {@link createMongoConnection}; the names match the config variables. */
export interface MongoSettings {
  MONGO_URL: string;
  DB_POOL_SIZE: number;
  DB_MIN_POOL_SIZE: number;
  DB_MAX_IDLE_TIME_MS: number;
  DB_WAIT_QUEUE_TIMEOUT_MS: number;
  DB_READ_PREFERENCE: NonNullable<ConnectOptions['readPreference']>;
}

/** The pool options the driver receives for a config; exported so they can be checked. */
export function mongoOptions(settings: MongoSettings): ConnectOptions {
  return {
    maxPoolSize: settings.DB_POOL_SIZE,
    minPoolSize: settings.DB_MIN_POOL_SIZE,
    maxIdleTimeMS: settings.DB_MAX_IDLE_TIME_MS,
    waitQueueTimeoutMS: settings.DB_WAIT_QUEUE_TIMEOUT_MS,
    readPreference: settings.DB_READ_PREFERENCE,
    serverSelectionTimeoutMS: 5_000,
    // Command events let tests and metrics count what each request costs the database.
    monitorCommands: true,
    // Models declare their indexes; each service creates them once at boot (see ensureIndexes).
    autoIndex: false,
    autoCreate: false,
  };
}

/**
 * Opens a dedicated mongoose connection (not the global default one), so a process can hold
 * several and tests can open one per database.
 */
export async function createMongoConnection(settings: MongoSettings, logger: Logger): Promise<Connection> {
  const connection = mongoose.createConnection(settings.MONGO_URL, mongoOptions(settings));
  connection.on('disconnected', () => logger.warn({ label: 'mongo' }, 'mongo disconnected'));
  connection.on('reconnected', () => logger.info({ label: 'mongo' }, 'mongo reconnected'));
  connection.on('error', (error: Error) => logger.error({ label: 'mongo', err: error }, 'mongo error'));
  await connection.asPromise();
  return connection;
}

/** Readiness check: one round trip to the server. */
export async function pingMongo(connection: Connection): Promise<void> {
  const db = connection.db;
  if (!db) throw new Error('mongo connection is not open');
  await db.command({ ping: 1 });
}

/** Creates the declared indexes of every model on the connection (idempotent). */
export async function ensureIndexes(connection: Connection): Promise<void> {
  for (const model of Object.values(connection.models)) {
    await model.createCollection().catch((error: { code?: number }) => {
      if (error.code !== 48) throw error; // 48: NamespaceExists
    });
    await model.createIndexes();
  }
}

/** The commands a connection sends, recorded as they start (the driver's command monitoring). */
export interface CommandWatch {
  /** Names of the commands sent since the watch started or was reset, e.g. `find`, `aggregate`. */
  readonly commands: readonly string[];
  reset(): void;
  stop(): void;
}

/** Records the commands `connection` sends, leaving out connection-level ones. */
export function watchCommands(connection: Connection): CommandWatch {
  const commands: string[] = [];
  const ignored = new Set(['hello', 'isMaster', 'ismaster', 'ping', 'endSessions', 'saslStart', 'saslContinue']);
  const listener = (event: CommandStartedEvent) => {
    if (!ignored.has(event.commandName)) commands.push(event.commandName);
  };
  const client = connection.getClient();
  client.on('commandStarted', listener);
  return {
    commands,
    reset: () => void commands.splice(0),
    stop: () => void client.off('commandStarted', listener),
  };
}
