import { createDeliveryLog, createMailer } from '@supergraph/mail';
import type { WorkerDefinition } from '@supergraph/subgraph';
import type { AuthWorkerConfig } from './config';
import { emailModels } from './emails/model';
import { AUTH_EMAIL_QUEUE, authEmailProcessor, createAuthRelay } from './jobs';
import { userModel } from './users/model';

/** The auth worker: verification and password-reset emails, and the relay of auth's outbox. */
export function authWorker(config: AuthWorkerConfig): WorkerDefinition {
  return {
    name: 'auth',
    setup({ connection, queue, logger }) {
      const users = userModel(connection);
      const emails = emailModels(connection);
      const mailer = createMailer(config);
      const relay = createAuthRelay({ connection, users, emails, queue, logger }, config);
      const deliveries = createDeliveryLog(connection);
      return {
        processors: {
          [AUTH_EMAIL_QUEUE]: relay.processor(authEmailProcessor({ users, emails, mailer, deliveries, settings: config })),
        },
        relay,
        close: () => mailer.close(),
      };
    },
  };
}
