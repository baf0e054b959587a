import type { IncomingMessage } from 'node:http';
import { IDENTITY_HEADER, verifyIdentity, type Identity } from '@supergraph/identity';
import { GraphQLError } from 'graphql';

/**
 * The caller's identity for a subgraph request, from the header the gateway signs for every
 * request (anonymous ones too). A missing, forged or expired header is UNAUTHENTICATED (401), so
 * nobody can reach a subgraph around the gateway. `optional` (IDENTITY_OPTIONAL, never in
 * production) lets a subgraph team call its subgraph alone: no header is then anonymous.
 */
export async function identityFromRequest(request: IncomingMessage, secret: string, optional = false): Promise<Identity> {
  const header = request.headers[IDENTITY_HEADER];
  const token = Array.isArray(header) ? header[0] : header;
  if (token) return verifyIdentity(token, secret);
  if (optional) return { userId: null, email: null, roles: [], clientIp: request.socket.remoteAddress ?? '' };
  throw new GraphQLError('Subgraphs answer only requests the gateway signed (the identity header is missing).', {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
  });
}
