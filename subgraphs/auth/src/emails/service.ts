import type { Cache } from '@supergraph/cache';
import type { OutboxRelay } from '@supergraph/outbox';
import { outboxEvent } from '@supergraph/outbox';
import { errors, parseInput } from '@supergraph/subgraph';
import { z } from 'zod';
import { AUTH_EVENTS } from '../jobs';
import { hashPassword } from '../sessions/password';
import type { RefreshTokens } from '../sessions/refresh-tokens';
import { registerInput } from '../sessions/validation';
import { toUser, type User, type UserModel } from '../users/model';
import type { EmailModels } from './model';
import { tokenHash } from './tokens';

const RESET_WINDOW_MS = 60_000;
const tokenInput = z.string().min(20, 'is not a valid token').max(200, 'is not a valid token');
const emailInput = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'must be at most 254 characters')
  .pipe(z.email('must be a valid email address'));

/** Email verification and password reset. */
export function createEmailService(deps: {
  users: UserModel;
  emails: EmailModels;
  relay: OutboxRelay;
  cache: Cache;
  refreshTokens: RefreshTokens;
}) {
  const { users, emails, relay, cache, refreshTokens } = deps;

  /** Finds a live token of a purpose and uses it up: a second use finds it used. */
  const spend = async (token: string, purpose: 'verify-email' | 'reset-password') => {
    const hash = tokenHash(parseInput(tokenInput, token));
    const found = await emails.emailTokens.findById(hash).lean();
    if (!found || found.purpose !== purpose || found.expiresAt < new Date()) {
      throw errors.badInput('This link is not valid or has expired.', { reason: 'INVALID_TOKEN' });
    }
    try {
      await emails.usedTokens.create({ _id: hash, usedAt: new Date() });
    } catch (error) {
      if ((error as { code?: number }).code === 11000)
        throw errors.badInput('This link was already used.', { reason: 'TOKEN_USED' });
      throw error;
    }
    return found.userId;
  };

  return {
    async verifyEmail(token: string): Promise<User> {
      const userId = await spend(token, 'verify-email');
      const user = await users
        .findOneAndUpdate({ _id: userId }, { $set: { emailVerified: true } }, { returnDocument: 'after' })
        .lean();
      if (!user) throw errors.notFound('The account no longer exists.');
      await cache.invalidate([cache.entityKey('user', userId)]);
      return toUser(user);
    },

    async requestPasswordReset(email: string): Promise<boolean> {
      const address = parseInput(emailInput, email);
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

    async resetPassword(token: string, newPassword: string): Promise<boolean> {
      const { password } = parseInput(registerInput.pick({ password: true }), { password: newPassword });
      const userId = await spend(token, 'reset-password');
      await users.updateOne({ _id: userId }, { $set: { passwordHash: await hashPassword(password) } });
      await refreshTokens.revokeAll(userId);
      return true;
    },
  };
}

export type EmailService = ReturnType<typeof createEmailService>;
