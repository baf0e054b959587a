import { createRemoteJWKSet, errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { GraphQLError } from 'graphql';
import { hmacKey } from './hmac-key';

/** Settings for access tokens; names match the config variables. */
export interface AccessTokenSettings {
  JWT_SECRET: string;
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
}

/** The claims of a verified access token. */
export interface AccessClaims {
  userId: string;
  email: string;
  roles: string[];
  /** The refresh-token family (session) the token was issued in. */
  sessionId: string;
}

/** Issues a short-lived HS256 access token. */
export async function signAccessToken(claims: AccessClaims, settings: AccessTokenSettings, ttlSeconds: number): Promise<string> {
  return new SignJWT({ roles: [...claims.roles], sid: claims.sessionId, email: claims.email })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.userId)
    .setIssuer(settings.JWT_ISSUER)
    .setAudience(settings.JWT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(await hmacKey(settings.JWT_SECRET));
}

/** How access tokens are checked: our HS256 secret, or an identity provider's JWKS. */
export interface VerifierSettings {
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
  JWT_SECRET?: string | undefined;
  /** When set, tokens are verified against these public keys (RS256, ES256, EdDSA), not the secret. */
  JWT_JWKS_URL?: string | undefined;
}

export type AccessTokenVerifier = (token: string) => Promise<AccessClaims>;

/**
 * A verifier for access tokens: signature (one family of algorithms only, so `alg: none` and
 * algorithm confusion fail), issuer, audience and expiry. Any failure is `UNAUTHENTICATED`
 * with HTTP 401. JWKS keys are fetched once and refreshed by jose when a new `kid` appears.
 */
export function createAccessTokenVerifier(settings: VerifierSettings): AccessTokenVerifier {
  const options = { issuer: settings.JWT_ISSUER, audience: settings.JWT_AUDIENCE, requiredClaims: ['sub', 'exp'] };
  if (settings.JWT_JWKS_URL) {
    const keys = createRemoteJWKSet(new URL(settings.JWT_JWKS_URL), { timeoutDuration: 5_000, cooldownDuration: 30_000 });
    return (token) => verify(() => jwtVerify(token, keys, { ...options, algorithms: ['RS256', 'ES256', 'EdDSA'] }));
  }
  if (!settings.JWT_SECRET) throw new TypeError('createAccessTokenVerifier: set JWT_SECRET or JWT_JWKS_URL');
  const secret = hmacKey(settings.JWT_SECRET);
  return (token) => verify(async () => jwtVerify(token, await secret, { ...options, algorithms: ['HS256'] }));
}

async function verify(check: () => Promise<{ payload: JWTPayload }>): Promise<AccessClaims> {
  try {
    const { payload } = await check();
    const roles = Array.isArray(payload.roles) ? payload.roles.filter((role): role is string => typeof role === 'string') : [];
    return {
      userId: payload.sub as string,
      email: typeof payload.email === 'string' ? payload.email : '',
      roles,
      sessionId: typeof payload.sid === 'string' ? payload.sid : '',
    };
  } catch (error) {
    const expired = error instanceof errors.JWTExpired;
    throw new GraphQLError(expired ? 'The access token has expired.' : 'The access token is not valid.', {
      extensions: { code: 'UNAUTHENTICATED', reason: expired ? 'TOKEN_EXPIRED' : 'TOKEN_INVALID', http: { status: 401 } },
    });
  }
}
