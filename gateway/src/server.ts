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
import { createSubgraphFetcher } from './subgraph-fetcher';

/** Builds the gateway (supergraph, subgraph routing, identity) without listening. */
export async function buildGateway(config: GatewayConfig, logger: Logger): Promise<HttpService> {
  const production = config.NODE_ENV === 'production';
  const overrides = subgraphUrls(config);
  const fetcher = createSubgraphFetcher(config.SUBGRAPH_TIMEOUT_MS);
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(config.SUPERGRAPH_PATH, 'utf8'),
    buildService: ({ name, url }) => new IdentityDataSource({ url: overrides[name] ?? url, fetcher }),
    logger,
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: !production,
    includeStacktraceInErrorResponses: false,
    // Signals are handled once, by handleSignals (graceful drain, then cleanup, then exit).
    stopOnTerminationSignals: false,
    formatError: formatError(logger),
    plugins: [
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
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    context: ({ request, requestId, logger: requestLogger }) =>
      createGatewayContext(config, request, requestId, requestLogger),
  });
}
