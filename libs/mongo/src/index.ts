import mongoose, { type Connection, type ConnectOptions } from 'mongoose';
import type { Logger } from '@supergraph/logger';
import type { CommandFailedEvent, CommandStartedEvent, CommandSucceededEvent } from 'mongodb';
import { fixWriteToClosedSocket } from './fix-write-to-closed-socket';

export { fixWriteToClosedSocket } from './fix-write-to-closed-socket';
export { isMongoUnavailableError } from './is-mongo-unavailable-error';

/** Settings for {@link createMongoConnection}; the names match the config variables. */
export interface MongoSettings {
  MONGO_URL: string;
  DB_POOL_SIZE: number;
  DB_MIN_POOL_SIZE: number;
  DB_MAX_IDLE_TIME_MS: number;
  DB_WAIT_QUEUE_TIMEOUT_MS: number;
  DB_READ_PREFERENCE: NonNullable<ConnectOptions['readPreference']>;
  /** Log each command that takes at least this long, at warn; 0 logs none. @defaultValue 0 */
  DB_SLOW_COMMAND_MS?: number;
}

/** The pool options the driver receives for a config; exported so they can be checked. */
export function mongoOptions(settings: MongoSettings): ConnectOptions {
  return {
    maxPoolSize: settings.DB_POOL_SIZE,
    minPoolSize: settings.DB_MIN_POOL_SIZE,
    maxIdleTimeMS: settings.DB_MAX_IDLE_TIME_MS,
    waitQueueTimeoutMS: settings.DB_WAIT_QUEUE_TIMEOUT_MS,
    readPreference: settings.DB_READ_PREFERENCE,
    // While the server is away an operation fails after this long (a coded SERVICE_UNAVAILABLE
    // for the client), and meanwhile wakes the monitor every 500 ms: it reconnects at once when
    // the server is back, whatever heartbeatFrequencyMS says.
    serverSelectionTimeoutMS: 5_000,
    // A server that accepts connections but does not answer fails a check within this, not 30 s.
    connectTimeoutMS: 10_000,
    // Operations go to the driver even while mongoose thinks it is disconnected: the driver's
    // server selection is the one place that waits for a server, and it is bounded (above).
    // Mongoose's buffer would hold them up to 10 s more and fail with an uncoded error.
    bufferCommands: false,
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
  fixWriteToClosedSocket();
  const connection = mongoose.createConnection(settings.MONGO_URL, mongoOptions(settings));
  connection.on('disconnected', () => logger.warn({ label: 'mongo' }, 'mongo disconnected'));
  connection.on('reconnected', () => logger.info({ label: 'mongo' }, 'mongo reconnected'));
  connection.on('error', (error: Error) => logger.error({ label: 'mongo', err: error }, 'mongo error'));
  await connection.asPromise();
  if (settings.DB_SLOW_COMMAND_MS) logSlowCommands(connection, settings.DB_SLOW_COMMAND_MS, logger);
  return connection;
}

/**
 * Logs every command slower than `thresholdMs` (its name, collection and duration; never its
 * filter, which may hold user data): under load, what the database spends its time on.
 */
function logSlowCommands(connection: Connection, thresholdMs: number, logger: Logger): void {
  const collections = new Map<number, string>();
  const client = connection.getClient();
  client.on('commandStarted', (event: CommandStartedEvent) => {
    const target = event.command[event.commandName] as unknown;
    if (typeof target === 'string') collections.set(event.requestId, target);
  });
  const done = (event: CommandSucceededEvent | CommandFailedEvent, failed: boolean) => {
    const collection = collections.get(event.requestId);
    collections.delete(event.requestId);
    if (event.duration < thresholdMs) return;
    logger.warn(
      { label: 'mongo', command: event.commandName, collection, durationMs: Math.round(event.duration), failed },
      'slow mongo command',
    );
  };
  client.on('commandSucceeded', (event: CommandSucceededEvent) => done(event, false));
  client.on('commandFailed', (event: CommandFailedEvent) => done(event, true));
}

/** Readiness check: one round trip to the server. */
export async function pingMongo(connection: Connection): Promise<void> {
  const db = connection.db;
  if (!db) throw new Error('mongo connection is not open');
  const ping = db.command({ ping: 1 });
  // Disconnected: say so now rather than after server selection gives up; the ping still goes
  // on, and while it waits for a server it makes the driver check the server twice a second.
  if (connection.readyState !== mongoose.ConnectionStates.connected) {
    ping.catch(() => undefined);
    throw new Error('mongo disconnected (reconnecting)');
  }
  await ping;
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
