import type { IncomingMessage } from 'node:http';
import { signIdentity, type AccessTokenVerifier, type Identity } from '@supergraph/identity';
import type { Logger } from '@supergraph/logger';
import { GraphQLError } from 'graphql';
import type { GatewayConfig } from './config';

/** Per-request context of the gateway. */
export interface GatewayContext {
  requestId: string;
  logger: Logger;
  identity: Identity;
  /** The identity, signed once per request and sent to every subgraph fetch. */
  identityToken: string;
}

function clientIp(request: IncomingMessage, trustProxy: boolean): string {
  const forwarded = request.headers['x-forwarded-for'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  return trustProxy && first ? first : (request.socket.remoteAddress ?? '');
}

function bearerToken(request: IncomingMessage): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) {
    throw new GraphQLError('The Authorization header must be `Bearer <access token>`.', {
      extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
    });
  }
  return match[1] as string;
}

/**
 * Establishes who is calling: a valid access token makes a signed-in identity; no token is an
 * anonymous caller; a bad or expired token is refused with 401, never treated as anonymous.
 */
export async function createGatewayContext(
  config: GatewayConfig,
  verify: AccessTokenVerifier,
  request: IncomingMessage,
  requestId: string,
  logger: Logger,
): Promise<GatewayContext> {
  const token = bearerToken(request);
  const claims = token ? await verify(token) : null;
  const identity: Identity = {
    userId: claims?.userId ?? null,
    email: claims?.email || null,
    roles: claims?.roles ?? [],
    clientIp: clientIp(request, config.TRUST_PROXY),
  };
  const identityToken = await signIdentity(identity, config.IDENTITY_SECRET, config.IDENTITY_TTL_SECONDS);
  return { requestId, logger: claims ? logger.child({ userId: claims.userId }) : logger, identity, identityToken };
}
