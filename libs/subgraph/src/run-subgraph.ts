import type { BaseContext } from '@apollo/server';
import { createLogger, type LevelWithSilent } from '@supergraph/logger';
import { handleSignals } from '@supergraph/server';
import { buildSubgraph, type SubgraphDefinition, type SubgraphSettings } from './build-subgraph';
import { bootFailure, exitForRestart, startDependencyWatchdog } from './dependency-watchdog';

type RunnableSettings = SubgraphSettings & {
  PORT: number;
  HOST: string;
  LOG_LEVEL: LevelWithSilent;
  DEPENDENCY_EXIT_AFTER_MS: number;
};

/**
 * Process entry for a subgraph: config -> build -> listen, with graceful shutdown on signals, and
 * an exit (code 1) when MongoDB or Redis stays unreachable for DEPENDENCY_EXIT_AFTER_MS.
 */
export function runSubgraph<TContext extends BaseContext, TConfig extends RunnableSettings>(
  loadConfig: () => TConfig,
  define: (config: TConfig) => SubgraphDefinition<TContext>,
): void {
  const start = async () => {
    const config = loadConfig();
    const definition = define(config);
    const logger = createLogger({ service: definition.name, level: config.LOG_LEVEL });
    const { service, readiness } = await buildSubgraph(definition, config, logger);
    const watchdog = startDependencyWatchdog({
      checks: readiness,
      exitAfterMs: config.DEPENDENCY_EXIT_AFTER_MS,
      logger,
      onGiveUp: (dependency) =>
        exitForRestart(() => service.shutdown(`${dependency} unreachable`), config.SHUTDOWN_TIMEOUT_MS, logger),
    });
    handleSignals(
      {
        shutdown: (reason) => {
          watchdog.stop();
          return service.shutdown(reason);
        },
      },
      logger,
    );
    const address = await service.listen(config.PORT, config.HOST);
    logger.info({ port: address.port }, `${definition.name} subgraph ready at http://localhost:${address.port}/graphql`);
  };
  start().catch((error: unknown) => {
    console.error(bootFailure(error));
    process.exit(1);
  });
}
