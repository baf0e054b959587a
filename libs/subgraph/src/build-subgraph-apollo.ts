import { readFileSync } from 'node:fs';
import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLSchemaModule } from '@apollo/subgraph/dist/schema-helper';
import { parse } from 'graphql';
import { formatError } from '@supergraph/server';
import { enforceAuthDirectives } from './enforce-auth-directives';
import { isDependencyUnavailable } from './is-dependency-unavailable';
import type { Logger } from '@supergraph/logger';

/** Options for {@link buildSubgraphApollo}. */
export interface SubgraphApolloOptions {
  /** Path of the subgraph's `schema.graphql`. */
  schemaPath: string;
  resolvers: NonNullable<GraphQLSchemaModule['resolvers']>;
  logger: Logger;
  /** Landing page and introspection are on only outside production. */
  production: boolean;
}

/** An Apollo Server for a Federation 2 subgraph, with errors made safe for clients. */
export function buildSubgraphApollo<TContext extends BaseContext>(options: SubgraphApolloOptions): ApolloServer<TContext> {
  const typeDefs = parse(readFileSync(options.schemaPath, 'utf8'));
  return new ApolloServer<TContext>({
    schema: enforceAuthDirectives(buildSubgraphSchema({ typeDefs, resolvers: options.resolvers })),
    introspection: !options.production,
    includeStacktraceInErrorResponses: false,
    // Signals are handled once, by handleSignals (graceful drain, then cleanup, then exit).
    stopOnTerminationSignals: false,
    // A MongoDB or Redis outage is SERVICE_UNAVAILABLE (with a retry hint), not our bug.
    formatError: formatError(options.logger, { isUnavailable: isDependencyUnavailable }),
    plugins: [
      // No usage reporting to Apollo Studio, so the gateway needs no per-field traces.
      ApolloServerPluginInlineTraceDisabled(),
      options.production
        ? ApolloServerPluginLandingPageDisabled()
        : ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false }),
    ],
  });
}
