import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runReadiness, type ReadinessChecks } from '@supergraph/server';

/** A worker's `/healthz` and `/readyz`, which a worker has no GraphQL server to carry. */
export interface WorkerHealthServer {
  port: number;
  /** From now on `/readyz` answers 503 (shutting down). */
  markStopping(): void;
  close(): Promise<void>;
}

/**
 * Serves `/healthz` (200: the process is alive) and `/readyz` (200 when every check answers
 * within 2 s, else 503 with the failing check, as the API processes do) on `port` (0: a free
 * one, see `port`). Anything else is 404.
 */
export async function startWorkerHealthServer(port: number, host: string, checks: ReadinessChecks): Promise<WorkerHealthServer> {
  let stopping = false;
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const send = (status: number, body: unknown): void =>
      void response.writeHead(status, { 'content-type': 'application/json', connection: 'close' }).end(JSON.stringify(body));
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(405, { error: 'GET only' });
    if (path === '/healthz') return send(200, { status: 'ok' });
    if (path !== '/readyz') return send(404, { error: `No route for ${path}.` });
    if (stopping) return send(503, { ready: false, checks: {}, stopping: true });
    void runReadiness(checks).then((report) => send(report.ready ? 200 : 503, report));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  let closing: Promise<void> | undefined;
  return {
    port: (server.address() as AddressInfo).port,
    markStopping: () => void (stopping = true),
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
