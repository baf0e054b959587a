import { createAccessTokenVerifier, IDENTITY_HEADER, signIdentity } from '@supergraph/identity';

/**
 * What the peer gateways (stock Apollo, Hive) do per request so our subgraphs will serve them: verify the
 * caller's access token and sign the identity header the subgraphs require. It is the part of our contract
 * every gateway in front of these subgraphs must implement; Apollo's docs show the same step (verify the
 * token in `context`, set a header in `willSendRequest`). The work matches our gateway's, so the comparison
 * measures the gateways, not a difference in authentication.
 */

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

const verify = createAccessTokenVerifier({
  JWT_SECRET: required('JWT_SECRET'),
  JWT_ISSUER: process.env.JWT_ISSUER ?? 'supergraph',
  JWT_AUDIENCE: process.env.JWT_AUDIENCE ?? 'supergraph',
});
const identitySecret = required('IDENTITY_SECRET');

export { IDENTITY_HEADER };

/** The signed identity header value for a request's Authorization header (anonymous without one). */
export async function identityFor(authorization: string | null | undefined, clientIp: string): Promise<string> {
  const token = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1];
  const claims = token ? await verify(token) : null;
  return signIdentity(
    { userId: claims?.userId ?? null, email: claims?.email || null, roles: claims?.roles ?? [], clientIp },
    identitySecret,
    60,
  );
}
