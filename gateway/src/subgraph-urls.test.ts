import { ConfigError } from '@supergraph/config';
import { loadGatewayConfig } from './config';
import { pickSubgraphUrlVars, subgraphUrlOverride } from './subgraph-urls';

const base = {
  JWT_SECRET: 'test-jwt-secret-0123456789abcdef0123456789',
  IDENTITY_SECRET: 'test-identity-secret-0123456789abcdef01234',
};

describe('subgraph URL overrides', () => {
  it('take <NAME>_URL first, then the SUBGRAPH_URLS entry, else none (the supergraph URL)', () => {
    const config = loadGatewayConfig({
      ...base,
      SUBGRAPH_URLS: 'auth=http://a:1/graphql, order-history=http://h:2/graphql,posts=http://p:3/graphql',
      POSTS_URL: 'http://posts-own:4/graphql',
    });
    expect(subgraphUrlOverride(config, 'auth')).toBe('http://a:1/graphql');
    expect(subgraphUrlOverride(config, 'order-history')).toBe('http://h:2/graphql');
    expect(subgraphUrlOverride(config, 'posts')).toBe('http://posts-own:4/graphql');
    expect(subgraphUrlOverride(config, 'cart')).toBeUndefined();
  });

  it('read <NAME>_URL for any name, dashes as underscores', () => {
    const config = loadGatewayConfig({ ...base, ORDER_HISTORY_URL: 'https://history.internal/graphql' });
    expect(subgraphUrlOverride(config, 'order-history')).toBe('https://history.internal/graphql');
  });

  it('refuse an override that is not an http(s) URL, naming the variable', () => {
    const config = loadGatewayConfig({ ...base, CART_URL: 'mongodb://cart:27017/x' });
    expect(() => subgraphUrlOverride(config, 'cart')).toThrow(ConfigError);
    expect(() => subgraphUrlOverride(config, 'cart')).toThrow(/CART_URL: must be an http\(s\) URL/);
    expect(() => loadGatewayConfig({ ...base, SUBGRAPH_URLS: 'auth=ftp://a/graphql' })).toThrow(/SUBGRAPH_URLS\.0: each entry/);
  });

  it("never take the gateway's own *_URL settings for a subgraph's", () => {
    const vars = pickSubgraphUrlVars(
      { REDIS_URL: 'redis://r', QUEUE_REDIS_URL: 'redis://q', AUTH_URL: 'http://a', EMPTY_URL: '', PATH: '/bin' },
      new Set(['REDIS_URL', 'QUEUE_REDIS_URL']),
    );
    expect(vars).toEqual({ AUTH_URL: 'http://a' });
    const config = loadGatewayConfig({ ...base, REDIS_URL: 'redis://cache:6379' });
    expect(subgraphUrlOverride(config, 'redis')).toBeUndefined();
  });
});
