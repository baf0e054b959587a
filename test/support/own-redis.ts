import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, startRedis, type RunningService } from '../../scripts/services';
import type { StopSignal } from './own-ferretdb';

/** A Redis server of one test's own, which the test may stop and start again on the same port. */
export interface OwnRedis {
  url: string;
  port: number;
  /** SIGTERM (SIGKILL after 5 s), or SIGKILL at once; resolves once the process is gone. */
  stop(signal?: StopSignal): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and removes its data folder. */
  dispose(): Promise<void>;
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'supergraph-own-redis-'));
  let running: RunningService | undefined = await startRedis({ port, dataDir });
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop(signal = 'SIGTERM') {
      const service = running;
      running = undefined;
      if (signal === 'SIGKILL' && service?.pid !== undefined) process.kill(service.pid, 'SIGKILL');
      await service?.stop(); // after a SIGKILL, only waits for the exit
    },
    async start() {
      running ??= await startRedis({ port, dataDir });
    },
    async dispose() {
      await running?.stop();
      running = undefined;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
