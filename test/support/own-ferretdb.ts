import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, isPortOpen, startFerretDb, startPostgres, type RunningService } from '../../scripts/services';

/** How a test stops a server: politely (SIGTERM, SIGKILL after 5 s) or at once (SIGKILL). */
export type StopSignal = 'SIGTERM' | 'SIGKILL';

/** A FerretDB of one test's own, which the test may stop and start again on the same port. */
export interface OwnFerretDb {
  /** `mongodb://127.0.0.1:<port>` (no database: each service names its own). */
  url: string;
  port: number;
  /**
   * Stops FerretDB, the server MongoDB clients talk to (its PostgreSQL keeps running, with the
   * data); resolves once the process is gone and the port refuses connections. Safe when stopped.
   */
  stop(signal?: StopSignal): Promise<void>;
  /** Starts it again on the same port, over the same data; resolves once it answers `hello`. */
  start(): Promise<void>;
  /** Stops it and its PostgreSQL for good, and removes their data. */
  dispose(): Promise<void>;
}

/**
 * Starts a FerretDB on a free port as the dev stack and the shared test server run it: over a
 * PostgreSQL of its own (on another free port), with data in a new temp folder.
 */
export async function startOwnFerretDb(): Promise<OwnFerretDb> {
  const [port, postgresPort] = await Promise.all([freePort(), freePort()]);
  const root = mkdtempSync(path.join(tmpdir(), 'supergraph-own-ferretdb-'));
  // As root, PostgreSQL runs as its own user, which must be let through to its data folder.
  chmodSync(root, 0o711);
  const dataDir = path.join(root, 'ferretdb');
  const postgres = await startPostgres({ port: postgresPort, dataDir: path.join(root, 'postgresql') });
  const startServer = () => startFerretDb({ port, dataDir, backend: 'postgresql', postgresqlUrl: postgres.url });
  let running: RunningService | undefined;
  try {
    running = await startServer();
  } catch (error) {
    await postgres.stop();
    throw error;
  }
  const stop = async (signal: StopSignal = 'SIGTERM') => {
    const service = running;
    running = undefined;
    if (!service) return;
    // SIGKILL first when asked: no goodbye to clients, as when the host dies. stop() then only
    // waits for the exit (a process that is gone gets no further signal).
    if (signal === 'SIGKILL' && service.pid !== undefined) process.kill(service.pid, 'SIGKILL');
    await service.stop();
    if (await isPortOpen(port)) throw new Error(`FerretDB on port ${port} still accepts connections after ${signal}`);
  };
  return {
    url: `mongodb://127.0.0.1:${port}`,
    port,
    stop,
    async start() {
      running ??= await startServer();
    },
    async dispose() {
      await stop();
      await postgres.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
