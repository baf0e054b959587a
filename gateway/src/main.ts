import { ConfigError } from '@supergraph/config';
import { createLogger } from '@supergraph/logger';
import { handleSignals } from '@supergraph/server';
import { loadGatewayConfig } from './config';
import { buildGateway } from './server';
import { startQueueDashboard } from './queue-dashboard';

async function main(): Promise<void> {
  const config = loadGatewayConfig();
  const logger = createLogger({ service: 'gateway', level: config.LOG_LEVEL });
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
    const adminPort = await dashboard.listen(config.ADMIN_PORT, config.HOST);
    logger.info(
      { port: adminPort, user: config.ADMIN_USERNAME },
      `queue dashboard at http://localhost:${adminPort}/ (HTTP Basic)`,
    );
  }
}

main().catch((error: unknown) => {
  // A config error is the operator's to fix: print it plainly, without a stack trace.
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
