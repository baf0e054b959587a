import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import type { DocumentNode } from 'graphql';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import ApolloServerPluginResponseCache from '@apollo/server-plugin-response-cache';
import { createAccessTokenVerifier } from '@supergraph/identity';
import { closeRedis, createRedisClient, waitForReady } from '@supergraph/redis';
import type { Logger } from '@supergraph/logger';
import { createHttpService, formatError, type HttpService } from '@supergraph/server';
import type { GatewayConfig } from './config';
import { createGatewayContext, type GatewayContext } from './context';
import { IdentityDataSource } from './identity-data-source';
import { operationLimits } from './operation-limits';
import { createRateLimiter } from './rate-limit';
import { createRedisKeyValueCache } from './redis-key-value-cache';
import { supergraphFromFile } from './supergraph-source';
import { SubgraphResponseCache } from './subgraph-response-cache';
import {
  fillTrustedDocument,
  loadTrustedDocuments,
  refuseUnknownDocumentIds,
  useTrustedDocumentsOnly,
} from './trusted-documents';
import { createSubgraphClient, type SubgraphClient } from './subgraph-fetcher';
import { subgraphStates } from './subgraph-states';
import { subgraphUrlOverride } from './subgraph-urls';

const redisSettingsOf = (config: GatewayConfig) => ({ REDIS_URL: config.REDIS_URL, REDIS_KEY_PREFIX: config.REDIS_KEY_PREFIX });

/** Builds the gateway (supergraph, subgraph routing, identity) without listening. */
export async function buildGateway(config: GatewayConfig, logger: Logger): Promise<HttpService> {
  const production = config.NODE_ENV === 'production';
  const clients = new Map<string, { url: string; client: SubgraphClient }>();
  const redis = config.REDIS_URL
    ? createRedisClient('gateway', redisSettingsOf(config), logger, {
        failFast: true,
      })
    : undefined;
  if (redis) await waitForReady(redis);
  else logger.warn('gateway without REDIS_URL: no shared rate limits, persisted queries or response cache');
  const subgraphCache =
    (config.SUBGRAPH_CACHE ?? production)
      ? new SubgraphResponseCache(
          config,
          logger,
          redis,
          redis && createRedisClient('gateway-subscriber', redisSettingsOf(config), logger),
          config.REDIS_KEY_PREFIX,
        )
      : undefined;
  await subgraphCache?.start();
  const gateway = new ApolloGateway({
    supergraphSdl: supergraphFromFile(config.SUPERGRAPH_PATH, config.SUPERGRAPH_POLL_MS, logger),
    buildService: ({ name, url }) => {
      const target = subgraphUrlOverride(config, name) ?? url ?? '';
      // A reloaded supergraph builds its services again: keep a subgraph's pool and breaker.
      const known = clients.get(name);
      const settings = { ...config, SUBGRAPH_TIMEOUT_MS: config.SUBGRAPH_TIMEOUTS[name] ?? config.SUBGRAPH_TIMEOUT_MS };
      const client = known && known.url === target ? known.client : createSubgraphClient(name, settings, logger);
      if (known && known.client !== client) void known.client.close();
      clients.set(name, { url: target, client });
      return new IdentityDataSource({
        name,
        url: target,
        client,
        logger,
        identitySecret: config.IDENTITY_SECRET,
        identityTtlSeconds: config.IDENTITY_TTL_SECONDS,
        cache: subgraphCache,
      });
    },
    logger,
    // Bounded: every distinct valid document a client invents gets a plan.
    experimental_approximateQueryPlanStoreMiB: config.QUERY_PLAN_CACHE_MB,
  });
  const limits = operationLimits(config);
  const verifyToken = createAccessTokenVerifier(config);
  const checkRateLimit = redis ? createRateLimiter(redis, config) : undefined;
  const responseCache = config.RESPONSE_CACHE ?? production;
  const trusted = loadTrustedDocuments(config.TRUSTED_DOCUMENTS_PATH);
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: !production,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    // Bounded for the same reason as query plans; Apollo's size estimate is the JSON length.
    documentStore: new InMemoryLRUCache<DocumentNode>({ maxSize: config.DOCUMENT_CACHE_MB * 2 ** 20 }),
    // Trusted documents come from the manifest: nothing is ever registered at run time. Without
    // Redis, Apollo keeps persisted queries in process.
    ...(config.TRUSTED_DOCUMENTS
      ? { persistedQueries: false as const }
      : redis
        ? { persistedQueries: { cache: createRedisKeyValueCache(redis, 'gateway:apq:', logger), ttl: config.APQ_TTL_SECONDS } }
        : {}),
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    // Signals are handled once, by handleSignals (graceful drain, then cleanup, then exit).
    stopOnTerminationSignals: false,
    formatError: formatError(logger),
    plugins: [
      ...(config.TRUSTED_DOCUMENTS ? [useTrustedDocumentsOnly(trusted)] : []),
      ...limits.plugins,
      ...(redis && responseCache
        ? [
            ApolloServerPluginResponseCache({
              cache: createRedisKeyValueCache(redis, 'gateway:response:', logger),
              // Only anonymous requests share cached answers; signed-in ones always run.
              sessionId: async () => null,
              shouldReadFromCache: async ({ request }) => !request.http?.headers.get('authorization'),
              shouldWriteToCache: async ({ request }) => !request.http?.headers.get('authorization'),
            }),
          ]
        : []),
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
    prepareBody: fillTrustedDocument(trusted, { persistedQueries: !config.TRUSTED_DOCUMENTS }),
    screen: config.TRUSTED_DOCUMENTS ? (params) => refuseUnknownDocumentIds(params) ?? limits.screen(params) : limits.screen,
    corsOrigins: production ? config.CORS_ORIGINS : [...config.CORS_ORIGINS, 'https://studio.apollographql.com'],
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    // Ready while it can serve: a dead subgraph costs its part of answers, not the gateway.
    readinessDetails: () => subgraphStates(clients),
    onShutdown: [
      () => Promise.all([...clients.values()].map(({ client }) => client.close())),
      async () => subgraphCache?.stop(),
      async () => redis && (await closeRedis(redis)),
    ],
    context: async ({ request, requestId, logger: requestLogger }) => {
      const context = await createGatewayContext(config, verifyToken, request, requestId, requestLogger);
      await checkRateLimit?.(context.identity);
      return context;
    },
  });
}
