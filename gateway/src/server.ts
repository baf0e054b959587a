import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { Logger } from '@supergraph/logger';
import { createHttpService, formatError, type HttpService } from '@supergraph/server';
import { subgraphUrls, type GatewayConfig } from './config';
import { createGatewayContext, type GatewayContext } from './context';
import { IdentityDataSource } from './identity-data-source';
import { operationLimits } from './operation-limits';
import { createSubgraphClient, type SubgraphClient } from './subgraph-fetcher';
import { subgraphStates } from './subgraph-states';

/** Builds the gateway (supergraph, subgraph routing, identity) without listening. */
export async function buildGateway(config: GatewayConfig, logger: Logger): Promise<HttpService> {
  const production = config.NODE_ENV === 'production';
  const overrides = subgraphUrls(config);
  const clients = new Map<string, { url: string; client: SubgraphClient }>();
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(config.SUPERGRAPH_PATH, 'utf8'),
    buildService: ({ name, url }) => {
      const target = overrides[name] ?? url ?? '';
      const client = createSubgraphClient(name, config, logger);
      clients.set(name, { url: target, client });
      return new IdentityDataSource({ name, logger }, { url: target, fetcher: client.fetcher });
    },
    logger,
  });
  const limits = operationLimits(config);
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: !production,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    // Signals are handled once, by handleSignals (graceful drain, then cleanup, then exit).
    stopOnTerminationSignals: false,
    formatError: formatError(logger),
    plugins: [
      ...limits.plugins,
      production
        ? ApolloServerPluginLandingPageDisabled()
        : ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false }),
    ],
  });
  await apollo.start();
  return createHttpService<GatewayContext>({
    name: 'gateway',
    apollo,
    logger,
    maxBodyBytes: config.MAX_BODY_BYTES,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    // Ready while it can serve: a dead subgraph costs its part of answers, not the gateway.
    readinessDetails: () => subgraphStates(clients),
    onShutdown: [() => Promise.all([...clients.values()].map(({ client }) => client.close()))],
    context: ({ request, requestId, logger: requestLogger }) =>
      createGatewayContext(config, request, requestId, requestLogger),
  });
}
