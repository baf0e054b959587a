import type { Logger } from '@supergraph/logger';
import { createDeliveryLog, type DeliveryLog, type Mailer } from '@supergraph/mail';
import { createOutboxRelay, type OutboxJobData, type OutboxRelay, type OutboxSettings } from '@supergraph/outbox';
import { UnrecoverableError, type Job, type JobQueue } from '@supergraph/queue';
import type { Connection } from 'mongoose';
import type { EmailModels } from './emails/model';
import { emailToken, tokenHash } from './emails/tokens';
import type { UserModel } from './users/model';

/** The auth subgraph's queue and event types. */
export const AUTH_EMAIL_QUEUE = 'auth-email';
export const AUTH_EVENTS = { registered: 'user-registered', resetRequested: 'password-reset-requested' } as const;

const HOUR = 3_600_000;

/** Routes auth's outbox events to its queue; an email is done once the delivery log has it. */
export function createAuthRelay(
  deps: { connection: Connection; users: UserModel; emails: EmailModels; queue: (name: string) => JobQueue; logger: Logger },
  settings: OutboxSettings,
): OutboxRelay {
  const queue = deps.queue(AUTH_EMAIL_QUEUE);
  const effects = createDeliveryLog(deps.connection);
  return createOutboxRelay({
    connection: deps.connection,
    logger: deps.logger,
    settings,
    sources: [
      { model: deps.users, routes: { [AUTH_EVENTS.registered]: { queue, jobName: 'verification-email', effects } } },
      {
        model: deps.emails.resetRequests,
        routes: { [AUTH_EVENTS.resetRequested]: { queue, jobName: 'password-reset-email', effects } },
      },
    ],
  });
}

export interface AuthEmailDeps {
  users: UserModel;
  emails: EmailModels;
  mailer: Mailer;
  deliveries: DeliveryLog;
  settings: { JWT_SECRET: string; PUBLIC_APP_URL: string };
}

/** Verification and password-reset emails, each sent once per event whatever the job goes through. */
export function authEmailProcessor(deps: AuthEmailDeps) {
  const { users, emails, mailer, deliveries, settings } = deps;
  const link = (path: string, token: string) =>
    `${settings.PUBLIC_APP_URL.replace(/\/$/, '')}${path}?token=${encodeURIComponent(token)}`;

  const issue = async (eventId: string, userId: string, purpose: 'verify-email' | 'reset-password', lifetimeMs: number) => {
    const token = emailToken(settings.JWT_SECRET, eventId);
    await emails.emailTokens
      .create({ _id: tokenHash(token), userId, purpose, expiresAt: new Date(Date.now() + lifetimeMs) })
      .catch((error: { code?: number }) => {
        if (error.code !== 11000) throw error;
      });
    return token;
  };

  return async (job: Job<OutboxJobData>) => {
    const { eventId, type, entityId } = job.data;
    if (type === AUTH_EVENTS.registered) {
      const user = await users.findById(entityId).lean();
      if (!user) throw new UnrecoverableError(`user ${entityId} does not exist`);
      if (user.emailVerified) return { sent: false, reason: 'already verified' };
      const token = await issue(eventId, entityId, 'verify-email', 48 * HOUR);
      const sent = await deliveries.once(eventId, () =>
        mailer.send({
          to: user.email,
          subject: 'Confirm your email address',
          messageId: `<${eventId}@supergraph>`,
          text: `Hello ${user.name},\n\nConfirm your email address: ${link('/verify-email', token)}\n\nOr use this token: ${token}\n\nIt is valid for 48 hours.`,
        }),
      );
      return { sent };
    }
    if (type === AUTH_EVENTS.resetRequested) {
      const request = await emails.resetRequests.findById(entityId).lean();
      const user = request ? await users.findById(request.userId).lean() : null;
      if (!request || !user) throw new UnrecoverableError(`reset request ${entityId} or its user does not exist`);
      const token = await issue(eventId, request.userId, 'reset-password', HOUR);
      const sent = await deliveries.once(eventId, () =>
        mailer.send({
          to: user.email,
          subject: 'Reset your password',
          messageId: `<${eventId}@supergraph>`,
          text: `Hello ${user.name},\n\nSet a new password: ${link('/reset-password', token)}\n\nOr use this token: ${token}\n\nIt is valid for one hour. If you did not ask for this, ignore this email.`,
        }),
      );
      return { sent };
    }
    throw new UnrecoverableError(`unknown event type ${type}`);
  };
}
