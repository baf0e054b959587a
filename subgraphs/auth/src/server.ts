import path from 'node:path';
import type { Logger } from '@supergraph/logger';
import { buildSubgraph, DateTimeScalar, type BuiltSubgraph, type SubgraphDefinition } from '@supergraph/subgraph';
import type { Resolvers } from './__generated__/resolvers-types';
import type { AuthConfig } from './config';
import type { AuthContext } from './context';
import { emailModels } from './emails/model';
import { createEmailService } from './emails/service';
import { createAuthRelay } from './jobs';
import { createLoginThrottle } from './sessions/login-throttle';
import { createPasswordPolicy } from './sessions/password-policy';
import { createRefreshTokens } from './sessions/refresh-tokens';
import { sessionResolvers } from './sessions/resolvers';
import { createSessionService } from './sessions/service';
import { createAuthLoaders } from './users/loaders';
import { userModel } from './users/model';
import { userResolvers } from './users/resolvers';

const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  ...userResolvers,
  ...sessionResolvers,
};

/** The auth subgraph: users, registration, login and sessions. */
export function authSubgraph(config: AuthConfig): SubgraphDefinition<AuthContext> {
  return {
    name: 'auth',
    schemaPath: path.resolve(__dirname, '../schema.graphql'),
    setup({ connection, redis, cache, queue, logger }) {
      const users = userModel(connection);
      const emails = emailModels(connection);
      const relay = createAuthRelay({ connection, users, emails, queue, logger }, config);
      const refreshTokens = createRefreshTokens(redis, config.REFRESH_TOKEN_TTL_SECONDS);
      const throttle = createLoginThrottle(redis, config);
      const passwordPolicy = createPasswordPolicy();
      const services = {
        sessions: createSessionService({ users, refreshTokens, throttle, passwordPolicy, settings: config, relay, logger }),
        emails: createEmailService({ users, emails, relay, cache, refreshTokens, passwordPolicy, throttle }),
      };
      return {
        resolvers,
        context: (base) => ({ ...base, sessionUserIds: new Set(), loaders: createAuthLoaders(users, cache), services }),
      };
    },
  };
}

/** Builds the auth subgraph without listening (tests run it in-process). */
export function buildAuthSubgraph(config: AuthConfig, logger: Logger): Promise<BuiltSubgraph> {
  return buildSubgraph(authSubgraph(config), config, logger);
}
