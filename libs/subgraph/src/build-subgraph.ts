import type { BaseContext } from '@apollo/server';
import type { Connection } from 'mongoose';
import type { Cache } from '@supergraph/cache';
import type { JobQueue, QueueSettings } from '@supergraph/queue';
import type { Identity } from '@supergraph/identity';
import type { Logger } from '@supergraph/logger';
import { ensureIndexes, pingMongo, type MongoSettings } from '@supergraph/mongo';
import { pingRedis, waitForReady, type RedisClient, type RedisSettings } from '@supergraph/redis';
import { createHttpService, type HttpService, type ReadinessChecks } from '@supergraph/server';
import { buildSubgraphApollo, type SubgraphApolloOptions } from './build-subgraph-apollo';
import { identityFromRequest } from './identity-from-request';
import { createDeadlineReader, type Deadline, type DeadlineSettings } from './request-deadline';
import { openSubgraphDeps } from './open-subgraph-deps';

/** What every subgraph request context starts from. */
export interface BaseRequestContext {
  requestId: string;
  logger: Logger;
  identity: Identity;
  /** When the caller (the gateway) stops waiting: check it before work nobody would wait for. */
  deadline: Deadline;
}

/** Long-lived dependencies handed to a subgraph's setup. */
export interface SubgraphDeps {
  connection: Connection;
  /** For state that must not be lost to a blip (sessions, counters): commands wait for a reconnect. */
  redis: RedisClient;
  /** The subgraph's read-through cache; fails open when Redis is down. */
  cache: Cache;
  /** A producer for one of the subgraph's queues (made once, closed on shutdown). */
  queue(name: string): JobQueue;
  logger: Logger;
}

/** A subgraph: its schema file and a setup that registers models and returns resolvers. */
export interface SubgraphDefinition<TContext extends BaseContext> {
  name: string;
  schemaPath: string;
  setup(deps: SubgraphDeps): {
    resolvers: SubgraphApolloOptions['resolvers'];
    context(base: BaseRequestContext): TContext;
  };
}

/** Settings every subgraph needs; names match the config variables. */
export type SubgraphSettings = MongoSettings &
  RedisSettings &
  QueueSettings &
  DeadlineSettings & {
    NODE_ENV: 'development' | 'test' | 'production';
    IDENTITY_SECRET: string;
    IDENTITY_OPTIONAL: boolean;
    SHUTDOWN_TIMEOUT_MS: number;
    CACHE_ENTITY_TTL_SECONDS: number;
    CACHE_LIST_TTL_SECONDS: number;
  };

export interface BuiltSubgraph extends SubgraphDeps {
  service: HttpService;
  /** The client behind `cache` (tests watch it). */
  cacheRedis: RedisClient;
  /** What `/readyz` checks (MongoDB and the durable Redis), for the dependency watchdog too. */
  readiness: ReadinessChecks;
}

/**
 * Opens the subgraph's MongoDB connection (creating its indexes) and Redis client, and builds its
 * HTTP service without listening: `/readyz` checks both, shutdown closes both.
 */
export async function buildSubgraph<TContext extends BaseContext>(
  definition: SubgraphDefinition<TContext>,
  settings: SubgraphSettings,
  logger: Logger,
): Promise<BuiltSubgraph> {
  const readDeadline = createDeadlineReader({
    REQUEST_DEADLINE_DEFAULT_MS: settings.REQUEST_DEADLINE_DEFAULT_MS,
    REQUEST_DEADLINE_MAX_MS: settings.REQUEST_DEADLINE_MAX_MS,
  });
  const opened = await openSubgraphDeps(definition.name, definition.name, settings, logger);
  const { connection, redis, cacheRedis, cache, queue } = opened;
  const deps = { connection, redis, cache, queue, logger };
  const { resolvers, context } = definition.setup(deps);
  await Promise.all([ensureIndexes(connection), waitForReady(cacheRedis)]);
  const apollo = buildSubgraphApollo<TContext>({
    schemaPath: definition.schemaPath,
    resolvers,
    logger,
    production: settings.NODE_ENV === 'production',
  });
  await apollo.start();
  const readiness: ReadinessChecks = { mongo: () => pingMongo(connection), redis: () => pingRedis(redis) };
  const service = createHttpService<TContext>({
    name: definition.name,
    apollo,
    logger,
    shutdownTimeoutMs: settings.SHUTDOWN_TIMEOUT_MS,
    readiness,
    onShutdown: [() => opened.close()],
    context: async ({ request, requestId, logger: requestLogger, receivedAt }) => {
      const deadline = readDeadline(request, receivedAt);
      return context({
        requestId,
        logger: requestLogger,
        identity: await identityFromRequest(request, settings.IDENTITY_SECRET, settings.IDENTITY_OPTIONAL),
        deadline,
      });
    },
  });
  return { ...deps, cacheRedis, service, readiness };
}
