import { randomBytes } from 'node:crypto';

/** Secrets used only by tests (and never by a real deployment: they are public here). */
export const TEST_SECRETS = {
  JWT_SECRET: 'test-jwt-secret-0123456789abcdef0123456789',
  IDENTITY_SECRET: 'test-identity-secret-0123456789abcdef01234',
} as const;

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run tests through jest, whose globalSetup starts the services`);
  return value;
}

/**
 * Environment for one service under test: its own database and Redis key prefix on the shared
 * test servers, so suites running side by side never see each other's data.
 */
export type TestEnv = Record<string, string> & { MONGO_URL: string; REDIS_URL: string; REDIS_KEY_PREFIX: string };

export function testEnv(name: string, overrides: Record<string, string> = {}): TestEnv {
  const id = `${name}_${randomBytes(4).toString('hex')}`;
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    PORT: '0',
    MONGO_URL: `${required('TEST_MONGO_URL')}/${id}`,
    REDIS_URL: required('TEST_REDIS_URL'),
    REDIS_KEY_PREFIX: `${id}:`,
    SHUTDOWN_TIMEOUT_MS: '5000',
    // Suites send many requests from one address; the rate-limit tests set their own limits.
    RATE_LIMIT_IP_POINTS: '1000000',
    RATE_LIMIT_USER_POINTS: '1000000',
    ...TEST_SECRETS,
    ...overrides,
  };
}
