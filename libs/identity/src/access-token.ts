import { jwtVerify, SignJWT, errors } from 'jose';
import { GraphQLError } from 'graphql';

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

const encoder = new TextEncoder();

/** Issues a short-lived HS256 access token. */
export async function signAccessToken(
  claims: AccessClaims,
  settings: AccessTokenSettings,
  ttlSeconds: number,
): Promise<string> {
  return new SignJWT({ roles: [...claims.roles], sid: claims.sessionId, email: claims.email })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.userId)
    .setIssuer(settings.JWT_ISSUER)
    .setAudience(settings.JWT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(encoder.encode(settings.JWT_SECRET));
}

/**
 * Verifies an access token: signature (HS256 only, so `alg: none` and algorithm confusion fail),
 * issuer, audience and expiry. Any failure is `UNAUTHENTICATED` with HTTP 401.
 */
export async function verifyAccessToken(token: string, settings: AccessTokenSettings): Promise<AccessClaims> {
  try {
    const { payload } = await jwtVerify(token, encoder.encode(settings.JWT_SECRET), {
      algorithms: ['HS256'],
      issuer: settings.JWT_ISSUER,
      audience: settings.JWT_AUDIENCE,
      requiredClaims: ['sub', 'exp'],
    });
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
