import { signAccessToken, type AccessTokenSettings } from '@supergraph/identity';
import { errors, parseInput } from '@supergraph/subgraph';
import type { Logger } from '@supergraph/logger';
import { toUser, type User, type UserModel, type UserRecord } from '../users/model';
import { Types } from 'mongoose';
import { outboxEvent, type OutboxRelay } from '@supergraph/outbox';
import { AUTH_EVENTS } from '../jobs';
import type { LoginThrottle } from './login-throttle';
import { decoyHash, hashPassword, verifyPassword } from './password';
import type { PasswordPolicy } from './password-policy';
import type { RefreshTokens } from './refresh-tokens';
import { loginInput, registerInput } from './validation';

export interface SessionSettings extends AccessTokenSettings {
  ACCESS_TOKEN_TTL_SECONDS: number;
}

export interface Session {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  tokenType: 'Bearer';
  user: User;
}

export interface SessionService {
  /**
   * Creates the account and signs it in. The same email and password again (a retry whose
   * answer was lost) sign in to that account; anyone else gets CONFLICT.
   */
  register(input: unknown, clientIp: string): Promise<Session>;
  login(input: unknown, clientIp: string): Promise<Session>;
  refresh(refreshToken: string): Promise<Session>;
  logout(refreshToken: string): Promise<boolean>;
}

const INVALID_LOGIN = 'Invalid email or password.';

function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}

/** Registration, login, refresh-token rotation and logout: the rules of a session. */
export function createSessionService(deps: {
  users: UserModel;
  refreshTokens: RefreshTokens;
  throttle: LoginThrottle;
  passwordPolicy: PasswordPolicy;
  settings: SessionSettings;
  relay: OutboxRelay;
  logger: Logger;
}): SessionService {
  const { users, refreshTokens, throttle, passwordPolicy, settings, relay } = deps;

  const issue = async (user: User, started?: { sessionId: string; refreshToken: string }): Promise<Session> => {
    const session = started ?? (await refreshTokens.start(user.id));
    const accessToken = await signAccessToken(
      { userId: user.id, email: user.email, roles: [...user.roles], sessionId: session.sessionId },
      settings,
      settings.ACCESS_TOKEN_TTL_SECONDS,
    );
    return {
      accessToken,
      expiresIn: settings.ACCESS_TOKEN_TTL_SECONDS,
      refreshToken: session.refreshToken,
      tokenType: 'Bearer',
      user,
    };
  };

  /**
   * The email is taken. A registration retried after its answer was lost (the session could not
   * be issued while Redis was down, or the gateway gave up waiting) comes with the same
   * password, and gets a session for the account, as a login would. Any other password gets
   * the CONFLICT it always got, so only someone who has the password learns more. It is a
   * password check, so it goes through the login throttle: register is no way around it.
   */
  const registerAgain = async (email: string, password: string, clientIp: string): Promise<Session> => {
    const conflict = errors.conflict('An account with this email already exists.', { argument: 'input', field: 'input.email' });
    const attempt = await throttle.attempt(email, clientIp);
    if (!attempt.allowed) {
      deps.logger.info({ limit: attempt.limit, retryAfterSeconds: attempt.retryAfterSeconds }, 'register refused by throttle');
      throw errors.rateLimited(
        `Too many failed attempts. Try again in ${attempt.retryAfterSeconds} seconds.`,
        attempt.retryAfterSeconds,
      );
    }
    const user = (await users.findOne({ email }).lean()) as (UserRecord & { _id: Types.ObjectId }) | null;
    // An account gone since the insert collided costs a hash check too.
    const ok = await verifyPassword(password, user?.passwordHash ?? (await decoyHash));
    if (!user || !ok) throw conflict;
    await throttle.succeeded(email, clientIp);
    return issue(toUser(user));
  };

  return {
    async register(input, clientIp) {
      const { email, password, name } = parseInput(registerInput, input, 'input');
      const weak = passwordPolicy.problem(password, [email, name]);
      if (weak) throw errors.invalidArgument('input', [{ path: ['password'], message: weak }]);
      const passwordHash = await hashPassword(password);
      const _id = new Types.ObjectId();
      // The verification email is recorded by the same insert that creates the account.
      const event = outboxEvent(AUTH_EVENTS.registered, String(_id));
      let created: UserRecord & { _id: Types.ObjectId };
      try {
        // The unique index decides races: of two registrations with one email, one insert fails.
        created = (
          await users.create({ _id, email, name, passwordHash, roles: ['user'], emailVerified: false, outbox: [event] })
        ).toObject() as UserRecord & { _id: Types.ObjectId };
      } catch (error) {
        if (isDuplicateKey(error)) return registerAgain(email, password, clientIp);
        throw error;
      }
      // Published before the session is issued, which needs Redis: if that fails, the email
      // still goes out, and the retry signs in (registerAgain).
      await relay.publish(event, String(_id));
      return issue(toUser(created));
    },

    async login(input, clientIp) {
      const { email, password } = parseInput(loginInput, input, 'input');
      // The throttle decides before the account is looked up, so its answer says nothing about
      // whether the account exists.
      const attempt = await throttle.attempt(email, clientIp);
      if (!attempt.allowed) {
        deps.logger.info({ limit: attempt.limit, retryAfterSeconds: attempt.retryAfterSeconds }, 'login refused by throttle');
        throw errors.rateLimited(
          `Too many failed logins. Try again in ${attempt.retryAfterSeconds} seconds.`,
          attempt.retryAfterSeconds,
        );
      }
      const user = (await users.findOne({ email }).lean()) as (UserRecord & { _id: Types.ObjectId }) | null;
      // An unknown email costs a hash check too, so it takes as long as a wrong password.
      const ok = await verifyPassword(password, user?.passwordHash ?? (await decoyHash));
      if (!user || !ok) throw errors.unauthenticated(INVALID_LOGIN);
      await throttle.succeeded(email, clientIp);
      return issue(toUser(user));
    },

    async refresh(refreshToken) {
      const result = await refreshTokens.rotate(refreshToken);
      if (result.status === 'REUSED') {
        deps.logger.warn('refresh token reused: session revoked');
        throw errors.unauthenticated('This refresh token was already used; the session has been ended.', {
          reason: 'REFRESH_TOKEN_REUSED',
        });
      }
      if (result.status !== 'OK') {
        throw errors.unauthenticated('The refresh token is not valid.', { reason: `REFRESH_TOKEN_${result.status}` });
      }
      const user = (await users.findById(result.userId).lean()) as (UserRecord & { _id: Types.ObjectId }) | null;
      if (!user) throw errors.unauthenticated('The refresh token is not valid.', { reason: 'USER_GONE' });
      return issue(toUser(user), { sessionId: result.sessionId, refreshToken: result.refreshToken });
    },

    logout: (refreshToken) => refreshTokens.revoke(refreshToken),
  };
}
