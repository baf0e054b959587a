import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { errorCodes, TEST_SECRETS } from '@supergraph/testing';
import { startTestStack, type TestStack } from '../../test/support/stack';
import { signUp } from '../../test/support/users';

/** Access tokens from an identity provider, verified against its JWKS (by config). */
let stack: TestStack;
let jwks: Server;
let privateKey: CryptoKey;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  privateKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  jwks = createServer((_, response) =>
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })),
  );
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  stack = await startTestStack({
    JWT_JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`,
  });
});
afterAll(async () => {
  await stack.stop();
  await new Promise((resolve) => jwks.close(resolve));
});

const sign = (subject: string, key: CryptoKey | Uint8Array, alg: string, kid?: string) =>
  new SignJWT({ roles: ['user'] })
    .setProtectedHeader({ alg, ...(kid ? { kid } : {}) })
    .setSubject(subject)
    .setIssuer('supergraph')
    .setAudience('supergraph')
    .setExpirationTime('5m')
    .sign(key);

it('accepts a token signed by the provider, and refuses one signed with the shared secret', async () => {
  const { userId } = await signUp(stack, 'Federated');
  const good = await stack.query('{ me { id name } }', { token: await sign(userId, privateKey, 'RS256', 'test-key') });
  expect(good.data).toEqual({ me: { id: userId, name: 'Federated' } });

  const hs256 = await sign(userId, new TextEncoder().encode(TEST_SECRETS.JWT_SECRET), 'HS256');
  const refused = await stack.query('{ me { id } }', { token: hs256 });
  expect(refused.status).toBe(401);
  expect(errorCodes(refused)).toEqual(['UNAUTHENTICATED']);

  const other = await generateKeyPair('RS256');
  expect((await stack.query('{ me { id } }', { token: await sign(userId, other.privateKey, 'RS256', 'test-key') })).status).toBe(
    401,
  );
});
