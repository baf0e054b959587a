import { createHash, randomBytes } from 'node:crypto';
import type { RedisClient } from '@supergraph/redis';

/**
 * Refresh tokens live only in Redis, hashed. A token is `rt1.<sessionId>.<secret>`; every token
 * of one login shares a session (family) id. Keys carry the session id as a Redis Cluster hash
 * tag so one script can touch them all atomically.
 *
 * - `auth:session:{sid}` -> userId, for as long as the session lives.
 * - `auth:rt:{sid}:<sha256(secret)>` -> `live` | `used`.
 */
const sessionKey = (sessionId: string) => `auth:session:{${sessionId}}`;
/** The sessions of a user, so a password reset can end them all. */
const userSessionsKey = (userId: string) => `auth:user-sessions:{${userId}}`;
const tokenKey = (sessionId: string, secret: string) =>
  `auth:rt:{${sessionId}}:${createHash('sha256').update(secret).digest('base64url')}`;

const TOKEN = /^rt1\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

export interface ParsedRefreshToken {
  sessionId: string;
  secret: string;
}

export function parseRefreshToken(token: string): ParsedRefreshToken | null {
  const match = TOKEN.exec(token);
  return match ? { sessionId: match[1] as string, secret: match[2] as string } : null;
}

function mint(sessionId: string): { token: string; secret: string } {
  const secret = randomBytes(32).toString('base64url');
  return { token: `rt1.${sessionId}.${secret}`, secret };
}

/** KEYS: session, presented token, new token. ARGV: ttl seconds. */
const ROTATE = `
local userId = redis.call('GET', KEYS[1])
if not userId then return {'REVOKED'} end
local state = redis.call('GET', KEYS[2])
if not state then return {'INVALID'} end
if state == 'used' then
  redis.call('DEL', KEYS[1])
  return {'REUSED'}
end
redis.call('SET', KEYS[2], 'used', 'KEEPTTL')
redis.call('SET', KEYS[3], 'live', 'EX', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[1])
return {'OK', userId}
`;

export type RotateResult =
  { status: 'OK'; userId: string; sessionId: string; refreshToken: string } | { status: 'INVALID' | 'REVOKED' | 'REUSED' };

/** The refresh-token store of {@link createRefreshTokens}. */
export interface RefreshTokens {
  /** Starts a session and returns its first refresh token. */
  start(userId: string): Promise<{ sessionId: string; refreshToken: string }>;
  /**
   * Trades a live token for a new one. Presenting a used token ends the whole session (it was
   * stolen or replayed); an unknown or ended one is refused.
   */
  rotate(token: string): Promise<RotateResult>;
  /** Ends the session a token belongs to. True when a live session was ended. */
  revoke(token: string): Promise<boolean>;
  /** Ends every session of a user. */
  revokeAll(userId: string): Promise<void>;
}

export function createRefreshTokens(redis: RedisClient, ttlSeconds: number): RefreshTokens {
  return {
    async start(userId) {
      const sessionId = randomBytes(16).toString('base64url');
      const { token, secret } = mint(sessionId);
      await redis
        .multi()
        .set(sessionKey(sessionId), userId, 'EX', ttlSeconds)
        .set(tokenKey(sessionId, secret), 'live', 'EX', ttlSeconds)
        .exec();
      await redis.multi().sadd(userSessionsKey(userId), sessionId).expire(userSessionsKey(userId), ttlSeconds).exec();
      return { sessionId, refreshToken: token };
    },
    async rotate(token) {
      const parsed = parseRefreshToken(token);
      if (!parsed) return { status: 'INVALID' };
      const next = mint(parsed.sessionId);
      const [status, userId] = (await redis.eval(
        ROTATE,
        3,
        sessionKey(parsed.sessionId),
        tokenKey(parsed.sessionId, parsed.secret),
        tokenKey(parsed.sessionId, next.secret),
        ttlSeconds,
      )) as [string, string?];
      if (status === 'OK' && userId) {
        return { status: 'OK', userId, sessionId: parsed.sessionId, refreshToken: next.token };
      }
      return { status: status === 'REUSED' || status === 'REVOKED' ? status : 'INVALID' };
    },
    async revoke(token) {
      const parsed = parseRefreshToken(token);
      if (!parsed) return false;
      // Only the holder of a token of the session may end it.
      const state = await redis.get(tokenKey(parsed.sessionId, parsed.secret));
      if (!state) return false;
      return (await redis.del(sessionKey(parsed.sessionId))) === 1;
    },
    async revokeAll(userId) {
      const sessions = await redis.smembers(userSessionsKey(userId));
      // One DEL per session: in a cluster their keys live in different slots.
      await Promise.all(sessions.map((sessionId) => redis.del(sessionKey(sessionId))));
      await redis.del(userSessionsKey(userId));
    },
  };
}
