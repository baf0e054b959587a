import cluster from 'node:cluster';
import { ConfigError } from '@supergraph/config';
import { createLogger, type Logger } from '@supergraph/logger';
import { handleSignals } from '@supergraph/server';
import { loadGatewayConfig, type GatewayConfig } from './config';
import { buildGateway } from './server';
import { startQueueDashboard } from './queue-dashboard';

/** One gateway process: builds, listens, and drains gracefully on SIGTERM. */
async function serve(config: GatewayConfig, logger: Logger): Promise<void> {
  const service = await buildGateway(config, logger);
  const dashboard = startQueueDashboard(config, logger);
  handleSignals(
    {
      shutdown: async (reason) => {
        const result = await service.shutdown(reason);
        await dashboard?.close();
        return result;
      },
    },
    logger,
  );
  const address = await service.listen(config.PORT, config.HOST);
  logger.info({ port: address.port }, `gateway ready: Apollo Sandbox at http://localhost:${address.port}/`);
  if (dashboard) {
    // Its own host (loopback by default): the admin port is for operators, not the internet.
    const adminPort = await dashboard.listen(config.ADMIN_PORT, config.ADMIN_HOST);
    logger.info(
      { host: config.ADMIN_HOST, port: adminPort, user: config.ADMIN_USERNAME },
      `queue dashboard at http://localhost:${adminPort}/ (HTTP Basic, listening on ${config.ADMIN_HOST})`,
    );
  }
}

/**
 * GATEWAY_WORKERS > 1: this process only supervises. Its workers share the listening port (the
 * kernel balances connections); one that dies is replaced, and SIGTERM drains them all.
 */
function supervise(config: GatewayConfig, logger: Logger): void {
  let stopping = false;
  const start = () => cluster.fork();
  for (let i = 0; i < config.GATEWAY_WORKERS; i++) start();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    logger.error({ pid: worker.process.pid, code, signal }, 'gateway worker died: starting another');
    setTimeout(start, 1_000);
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, workers: config.GATEWAY_WORKERS }, 'stopping gateway workers');
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

async function main(): Promise<void> {
  const config = loadGatewayConfig();
  const logger = createLogger({ service: 'gateway', level: config.LOG_LEVEL });
  if (config.GATEWAY_WORKERS > 1 && cluster.isPrimary) supervise(config, logger);
  else await serve(config, logger);
}

main().catch((error: unknown) => {
  // A config error is the operator's to fix: print it plainly, without a stack trace.
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
