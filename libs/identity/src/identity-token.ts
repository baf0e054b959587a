import { jwtVerify, SignJWT, errors } from 'jose';
import { GraphQLError } from 'graphql';

/** Header in which the gateway sends the caller's identity to subgraphs. */
export const IDENTITY_HEADER = 'x-supergraph-identity';

const AUDIENCE = 'supergraph-subgraphs';
const ISSUER = 'supergraph-gateway';

/** Who is calling, as the gateway established it. `userId` is null for an anonymous caller. */
export interface Identity {
  userId: string | null;
  /** The signed-in user's email (for receipts and notices); null when anonymous. */
  email: string | null;
  roles: string[];
  /** The client's address as the gateway saw it (for per-address throttling). */
  clientIp: string;
}

import { hmacKey } from './hmac-key';

/** Signs an identity for one request (HS256, short expiry, audience bound to subgraphs). */
export async function signIdentity(identity: Identity, secret: string, ttlSeconds: number): Promise<string> {
  const jwt = new SignJWT({
    roles: [...identity.roles],
    ip: identity.clientIp,
    ...(identity.email ? { email: identity.email } : {}),
  })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`);
  if (identity.userId) jwt.setSubject(identity.userId);
  return jwt.sign(await hmacKey(secret));
}

/**
 * Verifies an identity header. A missing, tampered or expired one throws `UNAUTHENTICATED`, so a
 * direct caller of a subgraph cannot claim to be anyone.
 */
export async function verifyIdentity(token: string, secret: string): Promise<Identity> {
  try {
    const { payload } = await jwtVerify(token, await hmacKey(secret), {
      algorithms: ['HS256'],
      audience: AUDIENCE,
      issuer: ISSUER,
    });
    const roles = Array.isArray(payload.roles) ? payload.roles.filter((role): role is string => typeof role === 'string') : [];
    return {
      userId: payload.sub ?? null,
      email: typeof payload.email === 'string' ? payload.email : null,
      roles,
      clientIp: typeof payload.ip === 'string' ? payload.ip : '',
    };
  } catch (error) {
    const expired = error instanceof errors.JWTExpired;
    throw new GraphQLError(expired ? 'The identity header has expired.' : 'The identity header is not valid.', {
      extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
    });
  }
}
