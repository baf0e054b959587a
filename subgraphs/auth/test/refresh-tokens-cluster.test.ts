import { createLogger } from '@supergraph/logger';
import { closeRedis, createRedisClient, type RedisClient } from '@supergraph/redis';
import { startRedisCluster, type TestRedisCluster } from '../../../test/support/redis-cluster';
import { createRefreshTokens } from '../src/sessions/refresh-tokens';

/** The rotation script touches three keys at once: they must share a cluster slot. */
describe('refresh tokens on a real Redis Cluster', () => {
  let cluster: TestRedisCluster;
  let redis: RedisClient;
  beforeAll(async () => {
    cluster = await startRedisCluster();
    redis = createRedisClient(
      'auth-test',
      { REDIS_CLUSTER_NODES: cluster.nodes },
      createLogger({ service: 'test', level: 'silent' }),
    );
  }, 60_000);
  afterAll(async () => {
    await closeRedis(redis);
    await cluster.stop();
  });

  it('starts, rotates, detects reuse and revokes across many sessions', async () => {
    const tokens = createRefreshTokens(redis, 600);
    // Enough sessions that their hash tags land on every master.
    const sessions = await Promise.all(Array.from({ length: 30 }, (_, i) => tokens.start(`user-${i}`)));
    for (const [i, session] of sessions.entries()) {
      const rotated = await tokens.rotate(session.refreshToken);
      expect(rotated).toMatchObject({ status: 'OK', userId: `user-${i}`, sessionId: session.sessionId });
      expect(await tokens.rotate(session.refreshToken)).toEqual({ status: 'REUSED' });
      if (rotated.status === 'OK') expect(await tokens.rotate(rotated.refreshToken)).toEqual({ status: 'REVOKED' });
    }
    const last = await tokens.start('user-x');
    expect(await tokens.revoke(last.refreshToken)).toBe(true);
    expect(await tokens.rotate(last.refreshToken)).toEqual({ status: 'REVOKED' });
  });
});
