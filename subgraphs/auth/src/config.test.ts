import { ConfigError } from '@supergraph/config';
import { loadAuthConfig } from './config';

const base = {
  MONGO_URL: 'mongodb://db:27017/auth',
  REDIS_URL: 'redis://cache:6379',
  JWT_SECRET: 'a-jwt-secret-that-is-long-enough-0123456789',
  IDENTITY_SECRET: 'an-identity-secret-that-is-long-enough-012',
};

describe('login throttling settings', () => {
  it('default to the documented values', () => {
    expect(loadAuthConfig(base)).toMatchObject({
      LOGIN_FAILURE_WINDOW_SECONDS: 900,
      LOGIN_MAX_FAILURES_PER_ACCOUNT_IP: 5,
      LOGIN_MAX_FAILURES_PER_IP: 50,
      LOGIN_MAX_FAILURES_PER_ACCOUNT: 10,
      LOGIN_MAX_FAILURES_PER_IP_UNDER_ATTACK: 2,
      LOGIN_KNOWN_ADDRESS_TTL_SECONDS: 2_592_000,
    });
  });

  it('refuse an under-attack allowance above the normal one, naming both', () => {
    const load = () =>
      loadAuthConfig({ ...base, LOGIN_MAX_FAILURES_PER_ACCOUNT_IP: '3', LOGIN_MAX_FAILURES_PER_IP_UNDER_ATTACK: '4' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(
      /LOGIN_MAX_FAILURES_PER_IP_UNDER_ATTACK: must be at most LOGIN_MAX_FAILURES_PER_ACCOUNT_IP \(3\), got 4/,
    );
  });
});
