import type { Cache } from '@supergraph/cache';
import type { OutboxRelay } from '@supergraph/outbox';
import { outboxEvent } from '@supergraph/outbox';
import { errors, parseInput } from '@supergraph/subgraph';
import { z } from 'zod';
import { AUTH_EVENTS } from '../jobs';
import type { LoginThrottle } from '../sessions/login-throttle';
import { hashPassword } from '../sessions/password';
import type { PasswordPolicy } from '../sessions/password-policy';
import type { RefreshTokens } from '../sessions/refresh-tokens';
import { email as emailInput, newPassword as newPasswordInput } from '../sessions/validation';
import { toUser, type User, type UserModel } from '../users/model';
import type { EmailModels } from './model';
import { tokenHash } from './tokens';

const RESET_WINDOW_MS = 60_000;
const tokenInput = z.string().min(20, 'is not a valid token').max(200, 'is not a valid token');

/** Email verification and password reset. */
export function createEmailService(deps: {
  users: UserModel;
  emails: EmailModels;
  relay: OutboxRelay;
  cache: Cache;
  refreshTokens: RefreshTokens;
  passwordPolicy: PasswordPolicy;
  throttle: LoginThrottle;
}) {
  const { users, emails, relay, cache, refreshTokens, passwordPolicy, throttle } = deps;
  const tokenError = (message: string, reason: string) => errors.badInput(message, { reason, argument: 'token', field: 'token' });

  /** The live token of a purpose: its hash and whose it is. Finding it does not use it up. */
  const find = async (token: string, purpose: 'verify-email' | 'reset-password') => {
    const hash = tokenHash(parseInput(tokenInput, token, 'token'));
    const found = await emails.emailTokens.findById(hash).lean();
    if (!found || found.purpose !== purpose || found.expiresAt < new Date()) {
      throw tokenError('This link is not valid or has expired.', 'INVALID_TOKEN');
    }
    return { hash, userId: found.userId };
  };

  /** Uses a found token up: of two uses, the second finds it used. */
  const spend = async (hash: string) => {
    try {
      await emails.usedTokens.create({ _id: hash, usedAt: new Date() });
    } catch (error) {
      if ((error as { code?: number }).code === 11000) throw tokenError('This link was already used.', 'TOKEN_USED');
      throw error;
    }
  };

  return {
    async verifyEmail(token: string): Promise<User> {
      const { hash, userId } = await find(token, 'verify-email');
      await spend(hash);
      const user = await users
        .findOneAndUpdate({ _id: userId }, { $set: { emailVerified: true } }, { returnDocument: 'after' })
        .lean();
      if (!user) throw errors.notFound('The account no longer exists.');
      await cache.invalidate([cache.entityKey('user', userId)]);
      return toUser(user);
    },

    async requestPasswordReset(email: string): Promise<boolean> {
      const address = parseInput(emailInput, email, 'email');
      const user = await users.findOne({ email: address }, { _id: 1 }).lean();
      if (!user) return true;
      const requestId = `${String(user._id)}.${Math.floor(Date.now() / RESET_WINDOW_MS)}`;
      const event = outboxEvent(AUTH_EVENTS.resetRequested, requestId);
      try {
        await emails.resetRequests.create({ _id: requestId, userId: String(user._id), outbox: [event], createdAt: new Date() });
      } catch (error) {
        // Already asked within the minute: one email is enough.
        if ((error as { code?: number }).code === 11000) return true;
        throw error;
      }
      await relay.publish(event, requestId);
      return true;
    },

    /**
     * Sets a new password and ends every session. The password is checked before the token is
     * used, so a refused password leaves the link working. The address it came from has just
     * proved to own the account, so its failed logins are forgotten and it is known from now on.
     */
    async resetPassword(token: string, newPassword: string, clientIp: string): Promise<boolean> {
      const password = parseInput(newPasswordInput, newPassword, 'newPassword');
      const { hash, userId } = await find(token, 'reset-password');
      const user = await users.findById(userId, { email: 1, name: 1 }).lean();
      if (!user) throw tokenError('This link is not valid or has expired.', 'INVALID_TOKEN');
      const weak = passwordPolicy.problem(password, [user.email, user.name]);
      if (weak) throw errors.invalidArgument('newPassword', [{ message: weak }]);
      await spend(hash);
      await users.updateOne({ _id: userId }, { $set: { passwordHash: await hashPassword(password) } });
      await refreshTokens.revokeAll(userId);
      await throttle.trust(user.email, clientIp);
      return true;
    },
  };
}

export type EmailService = ReturnType<typeof createEmailService>;
