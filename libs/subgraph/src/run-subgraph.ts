import type { BaseContext } from '@apollo/server';
import { ConfigError } from '@supergraph/config';
import { createLogger, type LevelWithSilent } from '@supergraph/logger';
import { handleSignals } from '@supergraph/server';
import { buildSubgraph, type SubgraphDefinition, type SubgraphSettings } from './build-subgraph';

type RunnableSettings = SubgraphSettings & { PORT: number; HOST: string; LOG_LEVEL: LevelWithSilent };

/** Process entry for a subgraph: config -> build -> listen, with graceful shutdown on signals. */
export function runSubgraph<TContext extends BaseContext, TConfig extends RunnableSettings>(
  loadConfig: () => TConfig,
  define: (config: TConfig) => SubgraphDefinition<TContext>,
): void {
  const start = async () => {
    const config = loadConfig();
    const definition = define(config);
    const logger = createLogger({ service: definition.name, level: config.LOG_LEVEL });
    const { service } = await buildSubgraph(definition, config, logger);
    handleSignals(service, logger);
    const address = await service.listen(config.PORT, config.HOST);
    logger.info({ port: address.port }, `${definition.name} subgraph ready at http://localhost:${address.port}/graphql`);
  };
  start().catch((error: unknown) => {
    // A config error is the operator's to fix: print it plainly, without a stack trace.
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  });
}
