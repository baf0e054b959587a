import { once } from 'node:events';
import type { Socket } from 'node:net';
import { createLogger } from '@supergraph/logger';
import { eventually } from '@supergraph/testing';
import type { Connection } from 'mongoose';
import { startOwnFerretDb, type OwnFerretDb } from '../../../test/support/own-ferretdb';
import { createMongoConnection, pingMongo } from '../src';

/**
 * The connection heals itself after its server goes away and comes back, whatever the moment.
 * The first test recreates, deterministically, the race that left subgraphs without MongoDB for
 * good (see src/fix-write-to-closed-socket.ts); it reaches into the driver's monitor to do so.
 */
const logger = createLogger({ service: 'test', level: 'silent' });
const settings = (url: string) => ({
  MONGO_URL: url,
  DB_POOL_SIZE: 5,
  DB_MIN_POOL_SIZE: 1,
  DB_MAX_IDLE_TIME_MS: 0,
  DB_WAIT_QUEUE_TIMEOUT_MS: 2_000,
  DB_READ_PREFERENCE: 'primary' as const,
});

/** The driver's monitor of the one server, as far as this test touches it. */
interface Monitor {
  connection: { socket: Socket; closed: boolean } | null;
  monitorId?: { toJSON(): { timeSinceLastCall: number; isExpeditedCheckScheduled: boolean } };
  requestCheck(): void;
}

function monitorOf(connection: Connection): Monitor {
  const topology = (connection.getClient() as unknown as { topology: { s: { servers: Map<string, { monitor: Monitor }> } } })
    .topology;
  const [server] = topology.s.servers.values();
  if (!server) throw new Error('no server in the topology');
  return server.monitor;
}

describe('a MongoDB connection whose server goes away', () => {
  let ferret: OwnFerretDb;
  let connection: Connection;

  beforeAll(async () => {
    ferret = await startOwnFerretDb();
    connection = await createMongoConnection(settings(`${ferret.url}/reconnect`), logger);
  }, 60_000);
  afterAll(async () => {
    await connection?.close();
    await ferret?.dispose();
  });

  it('ends a heartbeat written to a socket the server has just closed, so monitoring goes on', async () => {
    const monitor = monitorOf(connection);
    // An idle monitor with its connection, past the driver's minimum gap between checks, so
    // that requestCheck() runs the check now, on that connection, before its close event.
    await eventually(() => {
      const state = monitor.monitorId?.toJSON();
      if (!monitor.connection || monitor.connection.closed || !state || state.timeSinceLastCall < 600) {
        throw new Error('monitor not idle yet');
      }
    });
    const client = connection.getClient();
    const heartbeatEnded = Promise.race([once(client, 'serverHeartbeatFailed'), once(client, 'serverHeartbeatSucceeded')]);
    monitor.connection!.socket.destroy(); // as Node does when the peer's FIN arrives; `close` comes later
    monitor.requestCheck();
    let timer: NodeJS.Timeout | undefined;
    const verdict = await Promise.race([
      heartbeatEnded.then(() => 'ended'),
      new Promise((resolve) => (timer = setTimeout(() => resolve('hung'), 5_000))),
    ]);
    clearTimeout(timer);
    expect(verdict).toBe('ended');
    await eventually(() => pingMongo(connection), { timeoutMs: 15_000 });
  }, 30_000);

  it.each(['SIGTERM', 'SIGKILL'] as const)(
    'answers again after the server is stopped (%s) and started',
    async (signal) => {
      await pingMongo(connection);
      await ferret.stop(signal);
      await expect(pingMongo(connection)).rejects.toThrow();
      await ferret.start();
      await eventually(() => pingMongo(connection), { timeoutMs: 15_000, intervalMs: 200 });
      await expect(connection.db!.collection('items').insertOne({ signal })).resolves.toMatchObject({ acknowledged: true });
    },
    60_000,
  );
});
