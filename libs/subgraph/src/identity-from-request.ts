import type { IncomingMessage } from 'node:http';
import { IDENTITY_HEADER, verifyIdentity, type Identity } from '@supergraph/identity';

/**
 * The caller's identity for a subgraph request. With the gateway's signed header it is the
 * verified identity (a bad header is UNAUTHENTICATED); without one the caller is anonymous and
 * known only by its socket address.
 */
export async function identityFromRequest(request: IncomingMessage, secret: string): Promise<Identity> {
  const header = request.headers[IDENTITY_HEADER];
  const token = Array.isArray(header) ? header[0] : header;
  if (token) return verifyIdentity(token, secret);
  return { userId: null, email: null, roles: [], clientIp: request.socket.remoteAddress ?? '' };
}
