import { ConfigError } from '@supergraph/config';
import { createLogger, type LevelWithSilent } from '@supergraph/logger';
import { handleSignals } from '@supergraph/server';
import type { SubgraphSettings } from './build-subgraph';
import { buildWorker, type WorkerDefinition } from './build-worker';

/** Process entry for a subgraph's worker: config -> build -> run until SIGTERM/SIGINT. */
export function runWorker<TConfig extends SubgraphSettings & { LOG_LEVEL: LevelWithSilent }>(
  loadConfig: () => TConfig,
  define: (config: TConfig) => WorkerDefinition,
): void {
  const start = async () => {
    const config = loadConfig();
    const definition = define(config);
    const logger = createLogger({ service: `${definition.name}-worker`, level: config.LOG_LEVEL });
    const worker = await buildWorker(definition, config, logger);
    handleSignals(
      {
        shutdown: async (reason) => {
          logger.info({ reason }, `${definition.name} worker shutting down`);
          const result = await worker.close();
          logger.info(result, `${definition.name} worker stopped`);
          return result;
        },
      },
      logger,
    );
    logger.info({ queues: worker.workers.map((item) => item.worker.name) }, `${definition.name} worker ready`);
  };
  start().catch((error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  });
}
